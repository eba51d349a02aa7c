"""``flask --app registry report NAME --area CODE [--from D --to D] --out FILE`` (issue 12 item 3): a
statistical report as .xlsx. Exit 0 when written; 1 with a Chinese message for an unknown report or
area or a bad date (no traceback)."""
from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app

from registry.clock import local_today
from registry.extensions import db
from registry.reports.statistics import REPORTS
from registry.services.areas import area_by_code
from registry.services.errors import DomainError
from registry.services.homesteads.importer import area_cap
from registry.services.statistics import export_report, parse_period, report_spec


def register_reports_cli(app: Flask) -> None:
    app.cli.add_command(report_cmd)


@click.command("report", help="统计报表导出为 .xlsx。NAME 可选：" + "、".join(
    f"{name}（{spec.title}）" for name, spec in REPORTS.items()))
@click.argument("name")
@click.option("--area", "area_code", required=True, help="区划代码（村12位、镇9位或12位、区6位或12位）")
@click.option("--from", "start", default=None, help="开始日期 YYYY-MM-DD（期间报表；默认截止日期所在年的1月1日）")
@click.option("--to", "end", default=None, help="截止日期 YYYY-MM-DD（默认今天）")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="输出文件 .xlsx")
def report_cmd(name: str, area_code: str, start: str | None, end: str | None, out: Path) -> None:
    try:
        spec = report_spec(name)
        area = area_by_code(db.session, area_code)
        if area is None:
            raise DomainError("area.unknown", f"区划不存在：{area_code}")
        period = parse_period(start, end, today=local_today(), spec=spec)
        result = export_report(db.session, name, area, period, actor=None, cap=area_cap(current_app.config))
    except DomainError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from exc
    try:
        out.write_bytes(result.data)
    except OSError as exc:
        db.session.rollback()
        raise click.ClickException(f"无法写入 {out}：{exc.strerror}") from exc
    db.session.commit()
    state = "尚未登记" if result.report.empty else f"{sum(len(t.rows) for t in result.report.tables)} 行"
    click.echo(f"已导出 {result.report.title_row}：{state} → {out}")
