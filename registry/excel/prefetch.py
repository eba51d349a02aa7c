"""Parse a guarded workbook's sheets in background threads (issue 15: the district land file).

Calamine releases the GIL while it parses a sheet (``get_sheet_by_index``), so the sheets can be parsed
while the caller checks the rows of the sheets already parsed. A calamine workbook object serves one call
at a time, so each thread opens its own from the same bytes (opening reads the workbook's directory and
shared strings: ~0.1 s for the 450 MB bench file). The sheets are taken in file order from one queue.

Only bytes that passed the bomb guard (``registry.excel.file_kind.guard``) may be given here: the threads
parse every visible sheet, whether or not the caller ends up reading it.
"""
from __future__ import annotations

import io
import threading
from collections.abc import Iterable

from python_calamine import CalamineError, CalamineSheet, CalamineWorkbook, PasswordError

__all__ = ["SheetPrefetch"]


class SheetPrefetch:
    """Sheets ``indices`` of the workbook ``data``, parsed by ``threads`` daemon threads in that order.

    :meth:`get` waits for one sheet: the CalamineSheet, None when calamine could not read it, or raises
    ``PasswordError`` as ``get_sheet_by_index`` would. :meth:`close` stops the threads after the sheets
    they are parsing (the caller gave up: a refused file)."""

    def __init__(self, data: bytes, indices: Iterable[int], threads: int = 2) -> None:
        self._data = data
        self._queue = list(indices)
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)  # notified whenever a sheet is ready
        self._ready = {index: threading.Event() for index in self._queue}
        self._results: dict[int, CalamineSheet | BaseException | None] = {}
        self._stopped = False
        self._threads = [threading.Thread(target=self._work, name=f"sheet-prefetch-{i}", daemon=True)
                         for i in range(max(1, min(threads, len(self._queue))))]
        for thread in self._threads:
            thread.start()

    def __contains__(self, index: int) -> bool:
        return index in self._ready

    def _next(self) -> int | None:
        with self._lock:
            return None if self._stopped or not self._queue else self._queue.pop(0)

    def _work(self) -> None:
        book = None
        while (index := self._next()) is not None:
            try:
                if book is None:
                    book = CalamineWorkbook.from_filelike(io.BytesIO(self._data))
                result: CalamineSheet | BaseException | None = book.get_sheet_by_index(index)
            except PasswordError as exc:
                result = exc
            except CalamineError:
                result = None
            except BaseException as exc:  # noqa: BLE001 - handed to the caller, who re-raises it
                result = exc
            self._results[index] = result
            with self._changed:
                self._ready[index].set()
                self._changed.notify_all()

    def ready(self, index: int) -> bool:
        """Whether sheet ``index`` has been parsed (:meth:`get` returns at once)."""
        return index in self._ready and self._ready[index].is_set()

    def wait_any(self, indices: Iterable[int]) -> None:
        """Wait until one of the sheets ``indices`` (all of them among the prefetched ones) is ready."""
        events = [self._ready[index] for index in indices]
        with self._changed:
            self._changed.wait_for(lambda: any(e.is_set() for e in events))

    def get(self, index: int) -> CalamineSheet | None:
        """The parsed sheet ``index`` (one of ``indices``), waiting for it if need be."""
        self._ready[index].wait()
        result = self._results[index]
        if isinstance(result, BaseException):
            raise result
        return result

    def close(self) -> None:
        """Take no further sheet from the queue and wait for the threads (each ends its current sheet)."""
        with self._lock:
            self._stopped = True
            self._queue.clear()
        for thread in self._threads:
            thread.join()
        with self._changed:
            for index, ready in self._ready.items():
                if not ready.is_set():
                    self._results[index] = RuntimeError("sheet prefetch closed")
                    ready.set()
            self._changed.notify_all()
