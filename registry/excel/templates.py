"""The Excel templates users download, generated from ``columns.py`` and committed under imports/.

``tests/excel/test_templates.py`` proves the committed files hold exactly what this module
generates, so a change to the column spec cannot leave a stale template behind."""
from __future__ import annotations

from pathlib import Path

from registry.excel.homesteads import template as homestead_template
from registry.excel.land import template as land_template
from registry.excel.roster import template as roster_template
from registry.excel.shares import template as share_template

IMPORTS_DIR = Path(__file__).resolve().parents[2] / "imports"

TEMPLATES = {
    # file in imports/ → (download name, builder)
    # issue 13 item 5: header comments, dropdowns, text ID columns and an example row
    "roster_template.xlsx": ("成员名册导入模板.xlsx", roster_template.build_village),
    # a whole town or the district in one workbook: the village layout plus 村代码 (issue 5)
    "roster_area_template.xlsx": ("全镇（全区）成员名册导入模板.xlsx", roster_template.build_area),
    "homestead_template.xlsx": ("宅基地台账导入模板.xlsx", homestead_template.build),
    "share_template.xlsx": ("股权台账导入模板.xlsx", share_template.build),
    "land_template.xlsx": ("承包地台账导入模板.xlsx", land_template.build),
}


def write_templates(folder: Path = IMPORTS_DIR) -> list[Path]:
    """(Re)write every template into ``folder``; returns the paths written."""
    written = []
    for name, (_download, build) in TEMPLATES.items():
        path = folder / name
        path.write_bytes(build())
        written.append(path)
    return written


if __name__ == "__main__":
    for p in write_templates():
        print("written", p)
