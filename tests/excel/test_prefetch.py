"""Sheets parsed in background threads (registry/excel/prefetch.py, Workbook.prefetch): the same cells as a
sheet parsed on demand, in any order of asking; a hidden sheet is never parsed; closing stops the threads."""
from __future__ import annotations

import io
import threading
import time

import openpyxl
import pytest

from registry.excel.land.validate import land_tables
from registry.excel.prefetch import SheetPrefetch
from registry.excel.reader import open_workbook
from tests.services.land_helpers import RIGHTS


def book_of(sheets: int, rows: int, *, hidden: int | None = None) -> bytes:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for n in range(sheets):
        ws = wb.create_sheet(f"表{n}")
        for r in range(rows):
            ws.append([f"{n}-{r}", r * n, f"末{r}"])
        if n == hidden:
            ws.sheet_state = "hidden"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def cells(sheet) -> list[list]:
    return [list(row) for row in sheet.iter_rows()]


@pytest.mark.parametrize("threads", [1, 2, 3])
def test_prefetched_sheets_hold_the_cells_of_sheets_parsed_on_demand(threads):
    data = book_of(4, 300, hidden=2)
    plain, ahead = open_workbook(data), open_workbook(data)
    ahead.prefetch(threads)
    try:
        assert ahead.prefetched is not None and 2 not in ahead.prefetched  # hidden: never parsed
        for index in (3, 0, 1):  # asked out of file order
            assert cells(ahead._sheet(index)) == cells(plain._sheet(index))
        assert cells(ahead._sheet(2)) == cells(plain._sheet(2))  # on demand, by the caller's own book
    finally:
        ahead.close()
    assert not any(t.name.startswith("sheet-prefetch") for t in threading.enumerate())


def test_a_land_file_is_located_the_same_with_and_without_prefetch():
    data = (RIGHTS / "land_370305100202_nyt.xlsx").read_bytes()
    plain, ahead = open_workbook(data), open_workbook(data)
    ahead.prefetch()
    try:
        found = {key: list(table.rows()) for key, table in land_tables(ahead)}
    finally:
        ahead.close()
    assert found == {key: list(table.rows()) for key, table in land_tables(plain)}
    assert set(found) == {"contractors", "parcels", "coholders", "circulations"}


def test_closing_stops_taking_sheets_and_a_sheet_not_parsed_is_refused(monkeypatch):
    started, release = threading.Event(), threading.Event()

    class SlowBook:  # parses sheet 0 only when released, so close() comes while it is being parsed
        def get_sheet_by_index(self, index):
            started.set()
            release.wait(10)
            return f"sheet {index}"

    monkeypatch.setattr("registry.excel.prefetch.CalamineWorkbook.from_filelike", lambda _f: SlowBook())
    prefetch = SheetPrefetch(b"", range(4), threads=1)
    assert started.wait(10)
    closing = threading.Thread(target=prefetch.close)
    closing.start()
    for _ in range(10_000):  # close() has stopped the queue and waits for the thread
        if prefetch._stopped:
            break
        time.sleep(0.001)
    release.set()
    closing.join(10)
    assert not closing.is_alive() and not any(t.name.startswith("sheet-prefetch") for t in threading.enumerate())
    assert prefetch.get(0) == "sheet 0"  # the sheet being parsed is ended
    for index in (1, 2, 3):  # the others are never taken
        with pytest.raises(RuntimeError, match="closed"):
            prefetch.get(index)


def test_an_unreadable_workbook_gives_no_sheet_instead_of_an_error():
    prefetch = SheetPrefetch(b"not a workbook", [0], threads=1)
    try:
        assert prefetch.get(0) is None  # as Workbook._sheet reads an unreadable sheet
    finally:
        prefetch.close()


def test_waiting_for_any_of_several_sheets_returns_when_one_is_parsed():
    prefetch = SheetPrefetch(book_of(3, 3000), range(3), threads=1)
    try:
        prefetch.wait_any([2, 1])
        assert prefetch.ready(1) or prefetch.ready(2)
        prefetch.wait_any([2])
        assert prefetch.ready(2) and prefetch.get(2) is not None
    finally:
        prefetch.close()
