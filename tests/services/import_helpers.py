"""A sample roster workbook with the optional loss columns, edited cell by cell (import tests)."""
from __future__ import annotations

import datetime as dt
import io

import openpyxl

from tests.conftest import SAMPLES

DATA = (SAMPLES / "roster_370305100201.xlsx").read_bytes()
#: The import tests stop the registry clock on TODAY (tests.conftest ``clock``): 丧失日期 and births are
#: dated from it, never from the real date.
TODAY = dt.date(2026, 6, 15)
LOST_ON = TODAY - dt.timedelta(days=30)


class Book:
    """The sample roster with the optional loss columns added, edited cell by cell."""

    def __init__(self):
        self.wb = openpyxl.load_workbook(io.BytesIO(DATA))
        self.ws = self.wb.active
        heads = [c.value for c in self.ws[2]]
        width = len(heads)
        for i, heading in enumerate(("丧失原因", "丧失日期", "丧失依据"), start=width + 1):
            self.ws.cell(row=2, column=i, value=heading)
        self.col = {h: i for i, h in enumerate([c.value for c in self.ws[2]], start=1)}

    def get(self, row, heading):
        return self.ws.cell(row=row, column=self.col[heading]).value

    def set(self, row, **cells):
        for heading, value in cells.items():
            self.ws.cell(row=row, column=self.col[heading]).value = value  # ws.cell(value=None) keeps the old value

    def lose(self, row, ground=None, date=LOST_ON, basis=None):
        self.set(row, 成员状态="已丧失", 丧失原因=ground, 丧失日期=date, 丧失依据=basis)

    def bytes(self) -> bytes:
        buf = io.BytesIO()
        self.wb.save(buf)
        return buf.getvalue()


def non_head_rows(book, n):
    rows = [r for r in range(3, book.ws.max_row + 1) if book.get(r, "与户主关系") not in ("户主", "本人")]
    return rows[:n]
