"""``make bench``: the district-scale benchmarks of issue 5, each against a baseline measured in the same run.

    .venv/bin/python bench/run.py [--rounds 3] [--regenerate] [--out bench/out]

Generates the district once (``bench/make_district.py``; again when the generator, the models or the
config change), then measures in separate processes, alternating baseline and ours, and prints a
Markdown table (also written to ``bench/out/results.md`` and ``results.json``). Ratios are ours ÷
baseline of the medians. The machine is noisy: compare ratios, not seconds, between runs.

A measure whose code is not on the branch (the multi-village import ``registry.services.roster.area_import``,
the district search page ``/search``) is skipped: its row says "not available" and why.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.measure_app import summarise  # noqa: E402 (after the sys.path line above)

PY = sys.executable
STAMPED = ["bench/district_data.py", "bench/make_district.py", "bench/make_land.py", "bench/review_version.py",
           "config.py",
           *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "registry" / "models").glob("*.py"))]


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "?")
    mem = next((int(line.split()[1]) // 1024 // 1024 for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")), 0)
    import sqlite3
    from importlib.metadata import version

    import sqlalchemy
    import xlsxwriter
    return (f"{os.cpu_count()} × {cpu}, {mem} GB RAM, {platform.system()} {platform.release()}; Python "
            f"{platform.python_version()}, SQLite {sqlite3.sqlite_version}, SQLAlchemy {sqlalchemy.__version__}, "
            f"python-calamine {version('python-calamine')}, XlsxWriter {xlsxwriter.__version__}")


def ensure_data(out: Path, regenerate: bool) -> str:
    digest = hashlib.sha256(b"".join((ROOT / f).read_bytes() for f in STAMPED)).hexdigest()
    stamp = out / "stamp.txt"
    files = [out / "district.db", out / "areas.db", out / "roster_100k.xlsx", out / "land_district.xlsx"]
    if not regenerate and stamp.exists() and stamp.read_text() == digest and all(f.exists() for f in files):
        return "reused"
    t = time.perf_counter()
    subprocess.run([PY, str(ROOT / "bench" / "make_district.py"), "--out", str(out)], check=True, cwd=ROOT)
    stamp.write_text(digest)
    return f"generated in {time.perf_counter() - t:.0f} s"


def child(*args: str) -> dict:
    """Run ``python -m MODULE ARGS`` (one measurement in a fresh process) and return its JSON line."""
    done = subprocess.run([PY, "-m", *args], check=False, cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"bench: {' '.join(args)} failed (exit {done.returncode})")
    return json.loads(done.stdout.strip().splitlines()[-1])


def fresh_copy(src: Path, dst: Path) -> Path:
    for suffix in ("", "-wal", "-shm"):
        Path(str(dst) + suffix).unlink(missing_ok=True)
    shutil.copyfile(src, dst)
    return dst


def bench_import(out: Path, rounds: int) -> dict:
    xlsx = str(out / "roster_100k.xlsx")
    base, ours = [], []
    for k in range(rounds):
        for which in (("base", "ours") if k % 2 == 0 else ("ours", "base")):
            if which == "base":
                base.append(child("bench.measure", "calamine", xlsx))
            elif not (ours and "unavailable" in ours[0]):  # not there: say so once, do not retry
                db = fresh_copy(out / "areas.db", out / "import.db")
                ours.append(child("bench.measure", "import", xlsx, str(db)))
    floor = child("bench.measure", "floor", xlsx, str(fresh_copy(out / "areas.db", out / "floor.db")))
    return {"base": base, "ours": ours, "floor": floor}


def bench_land(out: Path, rounds: int) -> dict:
    """Issue 15: the district's land register (one file, ≥ 300,000 parcels) imported into a copy of the
    300k district (its roster), against the calamine read of the same file; then the district rights
    roll-up page on the database the last import wrote."""
    xlsx = str(out / "land_district.xlsx")
    base, ours = [], []
    for k in range(rounds):
        for which in (("base", "ours") if k % 2 == 0 else ("ours", "base")):
            if which == "base":
                base.append(child("bench.measure_land", "calamine", xlsx))
            else:
                db = fresh_copy(out / "district.db", out / "land.db")
                ours.append(child("bench.measure_land", "import", xlsx, str(db)))
    return {"base": base, "ours": ours, "rollup": child("bench.measure_land", "rollup", str(out / "land.db"))}


def land_rows(land) -> list[tuple]:
    if not land:
        return []
    b, bc = med(land["base"], "seconds"), med(land["base"], "cpu")
    o, oc = med(land["ours"], "seconds"), med(land["ours"], "cpu")
    first = land["ours"][0]
    roll = land["rollup"]
    return [
        (f"land register: `import-land --area 370305` of {first['rows']:,} rows (≥ 300,000 parcels, "
         f"{first['villages']} villages) into the 300k district", f"calamine read {b:.2f} s (CPU {bc:.2f} s)",
         f"{o:.2f} s (CPU {oc:.2f} s)", f"{o / b:.2f}× (CPU {oc / bc:.2f}×)", o / b, ("ratio", 3.0)),
        ("district rights roll-up page `/district/rights` (median of 5)", "—",
         f"{roll['seconds'] * 1000:.0f} ms (CPU {roll['cpu'] * 1000:.0f} ms)", None, roll["seconds"] * 1000,
         ("ms", 1000)),
    ]


def missing(results) -> str | None:
    """The reason a measure could not run (its code is not on this branch), or None."""
    if isinstance(results, dict) and "unavailable" in results:
        return results["unavailable"]
    if isinstance(results, list) and results and isinstance(results[0], dict) and "unavailable" in results[0]:
        return results[0]["unavailable"]
    return None


def med(items, key):
    return statistics.median(i[key] for i in items)


def table(r: dict) -> list[tuple]:
    """Rows ``(measure, baseline, ours, ratio text or None, value checked against the target, target)``;
    a target is ``("ratio", 2.0)``, ``("ms", 50)`` or None; ``value`` is a reason text when the measure
    could not run. Verdicts use wall-clock time."""
    imp, exp, web = r["import"], r["export"], r["web"]
    rows = []
    b, bc = med(imp["base"], "seconds"), med(imp["base"], "cpu")
    read = f"calamine read {b:.2f} s (CPU {bc:.2f} s)"
    floor = imp["floor"]
    why = missing(imp["ours"])
    label = "bulk load: `import-roster --area` (read + validate + plan + commit)"
    if why:
        rows.append((f"{label} of {floor['rows']:,} rows", read, "not available", None, why, ("ratio", 2.0)))
    else:
        o, oc = med(imp["ours"], "seconds"), med(imp["ours"], "cpu")
        first = imp["ours"][0]
        rows.append((f"{label} of {first['rows']:,} rows into {first['villages']} villages", read,
                     f"{o:.2f} s (CPU {oc:.2f} s)", f"{o / b:.2f}× (CPU {oc / bc:.2f}×)", o / b, ("ratio", 2.0)))
    f, fc = floor["seconds"], floor["cpu"]
    rows.append(("  reference: calamine read + the same rows written with plain sqlite3 (no checks, no SQLAlchemy)",
                 f"calamine read {b:.2f} s", f"{b + f:.2f} s (sqlite3 {f:.2f} s, CPU {fc:.2f} s)",
                 f"{(b + f) / b:.2f}× (CPU {(bc + fc) / bc:.2f}×)", None, None))
    again = r["reimport"]
    if missing(again):
        rows.append(("  the same file imported again into the full 300k district", f"calamine read {b:.2f} s",
                     "not available", None, missing(again), None))
    else:
        rows.append((f"  the same file imported again into the full 300k district ({again['unchanged']:,} unchanged)",
                     f"calamine read {b:.2f} s", f"{again['seconds']:.2f} s (CPU {again['cpu']:.2f} s)",
                     f"{again['seconds'] / b:.2f}× (CPU {again['cpu'] / bc:.2f}×)", None, None))
    bm = med(imp["base"], "added_mb")
    base_mem = f"calamine +{bm:.0f} MB (peak {med(imp['base'], 'peak_mb'):.0f} MB)"
    label = "peak memory added by the import (ru_maxrss − RSS before)"
    if why:
        rows.append((label, base_mem, "not available", None, why, ("ratio", 1.5)))
    else:
        om = med(imp["ours"], "added_mb")
        rows.append((label, base_mem, f"+{om:.0f} MB (peak {med(imp['ours'], 'peak_mb'):.0f} MB)", f"{om / bm:.2f}×",
                     om / bm, ("ratio", 1.5)))
    b, o = med(exp["base"], "seconds"), med(exp["ours"], "seconds")
    bc, oc = med(exp["base"], "cpu"), med(exp["ours"], "cpu")
    first = exp["base"][0]
    rows.append((f"filed-roster export, {first['members']:,} members ({first['cells']:,} cells)",
                 f"raw XlsxWriter {b:.2f} s (CPU {bc:.2f} s)", f"{o:.2f} s (CPU {oc:.2f} s)",
                 f"{o / b:.2f}× (CPU {oc / bc:.2f}×)", o / b, ("ratio", 1.2)))
    cpu = web.get("cpu", {})
    for key, label in (("search_name", "member search, district-wide, by name (p50 / p95)"),
                       ("search_pinyin", "member search, district-wide, by pinyin initials (p50 / p95)"),
                       ("search_tail", "member search, district-wide, by ID tail (p50 / p95)"),
                       ("roster_search", "village roster search, name or ID tail (p50 / p95)")):
        if missing(web[key]):
            rows.append((label, "—", "not available", None, missing(web[key]), ("ms", 50)))
            continue
        s, c = summarise(web[key]), summarise(cpu[key])
        rows.append((label, "—", f"{s['p50'] * 1000:.0f} / {s['p95'] * 1000:.0f} ms (CPU p95 {c['p95'] * 1000:.0f} ms)",
                     None, s["p95"] * 1000, ("ms", 50)))
    for key, label, target in (("summary_screen", "district summary screen (汇总与导出, median of 5)", ("ms", 1000)),
                               ("district_overview", "district overview page (median of 5)", ("ms", 1000)),
                               ("dashboard", "district dashboard on the 300k-member district (median of 5)",
                                ("ms", 1000)),
                               ("summary_xlsx", "summary .xlsx export (median of 3)", None)):
        result = web.get(key, {"unavailable": "not measured"})
        if missing(result):
            rows.append((label, "—", "not available", None, missing(result), target))
            continue
        s, c = statistics.median(web[key]) * 1000, statistics.median(cpu[key]) * 1000
        rows.append((label, "—", f"{s:.0f} ms (CPU {c:.0f} ms)", None, s, target))
    s, c = summarise(web["review_page"]), summarise(cpu["review_page"])
    rows.append(("town filing review page, 1,500-member version diff (p50 / p95 of 10)", "—",
                 f"{s['p50'] * 1000:.0f} / {s['p95'] * 1000:.0f} ms (CPU p95 {c['p95'] * 1000:.0f} ms)", None,
                 s["p95"] * 1000, ("ms", 300)))
    rows.extend(dividend_rows(r.get("dividends")))
    rows.extend(land_rows(r.get("land")))  # issue 15
    return rows


def dividend_rows(runs) -> list[tuple]:
    """Issue 16: a dividend round over 100,000 holder households (its own database, not the district)."""
    if not runs:
        return []
    n = runs[0]["holders"]
    rows = []
    for key, label in (("dry_run", "dry run (units as of the record date + exact allocation, S-12)"),
                       ("apply", "apply (the same + the draft round and its lines committed)")):
        s, c = med(runs, key), med(runs, f"{key}_cpu")
        rows.append((f"dividend round over {n:,} holders: {label}", "—", f"{s:.2f} s (CPU {c:.2f} s)", None,
                     s * 1000, ("ms", 3000)))
    b, o = med(runs, "raw"), med(runs, "sheet")
    bc, oc = med(runs, "raw_cpu"), med(runs, "sheet_cpu")  # CPU: what a busy machine cannot skew as much
    rows.append((f"dividend payment sheet .xlsx, {n:,} lines", f"raw XlsxWriter {b:.2f} s (CPU {bc:.2f} s)",
                 f"{o:.2f} s (CPU {oc:.2f} s)", f"{o / b:.2f}× (CPU {oc / bc:.2f}×)", o / b, ("ratio", 1.2)))
    return rows


def verdict(value, target) -> str:
    if isinstance(value, str):
        return f"not measured: {value}"
    if target is None:
        return "—"
    kind, limit = target
    shown = f"≤ {limit}×" if kind == "ratio" else (f"≤ {limit / 1000:g} s" if limit >= 1000 else f"≤ {limit} ms")
    return ("met" if value <= limit else f"**missed** by {value / limit - 1:.0%}") + f" ({shown})"


def render(rows: list[tuple], header: str) -> str:
    lines = [header, "", "| measure | baseline | ours | ratio | target |", "| --- | --- | --- | --- | --- |"]
    for label, base, ours, ratio, value, target in rows:
        lines.append(f"| {label} | {base} | {ours} | {ratio or ''} | {verdict(value, target)} |")
    return "\n".join(lines)


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description="district-scale benchmarks (issue 5)")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--regenerate", action="store_true")
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    args = p.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    load = [os.getloadavg()[0]]
    data = ensure_data(args.out, args.regenerate)
    print(f"data: {data}", flush=True)
    results = {"machine": machine(), "data": data}
    results["import"] = bench_import(args.out, args.rounds)
    print("import done", flush=True)
    run_db = str(fresh_copy(args.out / "district.db", args.out / "run.db"))
    if missing(results["import"]["ours"]):
        results["reimport"] = results["import"]["ours"][0]
    else:
        results["reimport"] = child("bench.measure", "import", str(args.out / "roster_100k.xlsx"), run_db)
    results["export"] = {"base": [], "ours": []}
    for k in range(args.rounds):
        for which in (("raw", "ours") if k % 2 == 0 else ("ours", "raw")):
            results["export"]["base" if which == "raw" else "ours"].append(
                child("bench.measure_app", "export", run_db, which))
    print("export done", flush=True)
    results["web"] = child("bench.measure_app", "web", run_db)
    results["dividends"] = [child("bench.measure_dividends") for _ in range(args.rounds)]  # issue 16
    results["land"] = bench_land(args.out, args.rounds)  # issue 15
    results["seconds"] = time.perf_counter() - started
    load.append(os.getloadavg()[0])
    results["load_average"] = load
    header = (f"Machine: {results['machine']}. District: 12 towns, 400 villages, 300k members (data {data}); "
              f"{args.rounds} round{'s' if args.rounds != 1 else ''}, medians; whole run "
              f"{results['seconds'] / 60:.1f} min; 1-minute load average {load[0]:.1f} at the start, "
              f"{load[1]:.1f} at the end. Verdicts use wall-clock time; the CPU figures (this process only) "
              "show what a busy machine added.")
    text = render(table(results), header)
    print(text)
    (args.out / "results.md").write_text(text + "\n", encoding="utf-8")
    (args.out / "results.json").write_text(json.dumps(results, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
