"""The hukou change list reader (issue 12 item 6): CSV in UTF-8 (with or without BOM) and GBK/GB18030, xlsx
with a title row, the synonyms of the police's headings, the roster's ID normalisation (full-width digits,
lower-case x, inner spaces; I-01, I-02) and the row codes."""
from __future__ import annotations

import datetime as dt

import pytest

from registry.excel.hukou_feed import change_type, feed_rows, is_town, read_feed
from registry.excel.reader import FileError
from tests.conftest import make_id
from tests.services.hukou_feed_helpers import csv_bytes, full_width, xlsx_bytes

TODAY = dt.date(2026, 6, 15)
ID = make_id(seq="123")
HEADER2 = ("公民身份号码", "姓名", "变动类型", "变动日期", "去向")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_every_encoding_chinese_windows_saves(encoding):
    data = csv_bytes([(ID, "王秀兰", "迁出", "2026-03-02", "临淄区稷下街道")], encoding=encoding, header=HEADER2)
    (row,) = feed_rows(read_feed(data, "x.csv"), today=TODAY)
    assert (row.id_number, row.name, row.change_type, row.change_date, row.destination, row.code) == (
        ID, "王秀兰", "out", dt.date(2026, 3, 2), "临淄区稷下街道", None)


def test_xlsx_with_a_title_row_and_id_spellings_I01_I02():
    x_id = next(make_id(seq=f"{n:03d}") for n in range(1000) if make_id(seq=f"{n:03d}").endswith("X"))
    rows = [(full_width(x_id), "甲", "死亡", dt.date(2026, 4, 1), None),
            (" ".join([ID[:6], ID[6:14], ID[14:]]), "乙", "迁入", "2026年3月5日", None),
            (ID[:17] + "0" if ID[-1] != "0" else ID[:17] + "1", "丙", "迁出", "2026-03-02", None),
            (ID, "丁", "户口本遗失", "2026-03-02", None),
            (ID, "戊", "其他", "2027-01-01", None),
            (ID, "己", "其他", "", None)]
    got = list(feed_rows(read_feed(xlsx_bytes(rows), "x.xlsx"), today=TODAY))
    assert [r.row for r in got] == [3, 4, 5, 6, 7, 8]  # the title row and the header are skipped
    assert (got[0].id_number, got[0].change_type) == (x_id, "death")
    assert (got[1].id_number, got[1].change_type, got[1].change_date) == (ID, "in", dt.date(2026, 3, 5))
    assert [r.code for r in got[2:]] == ["id.checksum", "change.unknown", "date.future", "date.missing"]


def test_file_errors():
    with pytest.raises(FileError) as empty:
        read_feed(b"", "x.csv")
    assert empty.value.code == "file.empty"
    with pytest.raises(FileError) as missing:
        read_feed("身份证号,姓名,迁往地\n1,2,3\n".encode(), "x.csv")
    assert missing.value.code == "file.missing_column"
    with pytest.raises(FileError) as binary:
        read_feed(b"\x00\xff\x00\xfe", "x.csv")
    assert binary.value.code == "file.not_excel"


def test_change_words_and_town_destinations():
    assert [change_type(v) for v in ("迁出", " 迁 入 ", "死亡注销", "注销（死亡）", "其它", "出生")] == [
        "out", "in", "death", "death", "other", None]
    assert is_town("临淄区闻韶街道") and is_town("淄博市张店区") and is_town("齐都镇") and is_town("某某社区")
    assert not is_town("齐都镇北关村") and not is_town("山东理工大学") and not is_town(None)
