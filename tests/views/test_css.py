"""Every CSS class a template uses is styled in static/css/ (app.css; print.css: the print layout) (QA: the import
and export pages
used classes app.css did not define, so errors and warnings looked like any other row)."""
from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)
# Classes that only carry meaning for tests or scripts, or are styled through a parent selector.
UNSTYLED_OK = {"hukou", "form"}  # member.html hukou card (styled as .card-info), the login <form>


def used_classes() -> dict[str, str]:
    found: dict[str, str] = {}
    for path in sorted((REPO / "templates").rglob("*.html")):
        for value in re.findall(r'class="([^"]*)"', path.read_text(encoding="utf-8")):
            for name in JINJA.sub(" ", value).split():
                if re.fullmatch(r"[a-zA-Z][\w-]*", name) and not name.endswith("-"):
                    found.setdefault(name, path.relative_to(REPO).as_posix())
    return found


def defined_classes() -> set[str]:
    """Classes with a rule in any stylesheet of static/css (app.css, and print.css for the A4 print layout)."""
    text = "".join(p.read_text(encoding="utf-8") for p in sorted((REPO / "static" / "css").glob("*.css")))
    css = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return set(re.findall(r"\.([a-zA-Z][\w-]*)", css))


def test_every_template_class_is_styled():
    used, defined = used_classes(), defined_classes()
    missing = sorted(f"{where}: .{name}" for name, where in used.items()
                     if name not in defined and name not in UNSTYLED_OK)
    assert not missing, "classes without a rule in static/css/app.css:\n" + "\n".join(missing)


def test_import_preview_rows_are_red_and_amber():
    css = (REPO / "static" / "css" / "app.css").read_text(encoding="utf-8")
    assert re.search(r"tr\.row-error td[^{]*\{[^}]*var\(--c-error-bg\)", css)
    assert re.search(r"tr\.row-warning td[^{]*\{[^}]*var\(--c-warning-bg\)", css)
    assert re.search(r"\.btn-warning \{[^}]*var\(--c-warning", css)
