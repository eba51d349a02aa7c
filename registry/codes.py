"""Code tables as data — the one place labels come from (DESIGN §2 "codes are stored as the standard
codes"; forms, imports, exports and templates all use this module).

Every table is a :class:`CodeTable`: ``code -> Chinese label`` in display order, plus the texts that
:func:`lookup` accepts on input (the label, the code itself, synonyms clerks actually write).
Codes are stored exactly as the standard gives them: GB/T 4761 relations as 2-character strings
("02" = 户主), sex "1"/"2", NY/T 2539 C-table codes as digit strings; internal vocabularies
(status, grounds, flags) use stable English codes.

    >>> lookup(RELATION, "户主"), lookup(RELATION, 2), label(RELATION, "10")
    ('02', '02', '配偶')
"""
from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

__all__ = [
    "CodeTable", "label", "lookup",
    "RELATION", "HEAD_RELATIONS", "SEX", "ID_TYPE", "RESIDENT_NUMBER_ID_TYPES", "MEMBER_STATUS",
    "ACQUISITION_GROUND", "LOSS_GROUND", "RETENTION_FLAG", "MEMBER_REMARK", "YES_NO",
    "HOMESTEAD_STATUS", "TABLES",
]

# Characters that never carry meaning in a code or label cell: whitespace of every width, BOM and
# zero-width marks. Removed everywhere inside the text before matching ("户 主" == "户主").
_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b\u200c\u200d\u2060\u00a0\u3000\t\r\n\v\f "), None)


def normalise_key(text: str) -> str:
    """The matching form of a label: NFKC, invisible characters and all spaces removed, casefolded."""
    return unicodedata.normalize("NFKC", text).translate(_INVISIBLE).casefold()


@dataclass(frozen=True, slots=True)
class CodeTable:
    """One code table.

    ``labels`` maps code -> canonical Chinese label (insertion order = display order).
    ``aliases`` maps :func:`normalise_key` forms of the code, the label and every synonym -> code.
    ``width`` > 0 zero-pads digit input before lookup (a relation typed as the number 2 means "02").
    """

    name: str
    labels: Mapping[str, str]
    aliases: Mapping[str, str] = field(repr=False)
    width: int = 0

    def label(self, code: str | None) -> str | None:
        """The Chinese label of ``code``, or None when ``code`` is None/unknown."""
        return self.labels.get(code) if code is not None else None

    def lookup(self, value: Any) -> str | None:
        """The code for a label, synonym or code typed by a user; None when blank or not in the table.

        Accepts numbers whose leading zeros Excel dropped (``2`` or ``2.0`` -> "02" when ``width`` is 2).
        """
        if value is None or isinstance(value, bool):
            return None
        if isinstance(value, (int, float)):
            if not math.isfinite(value) or value < 0 or value != int(value):  # NaN, ±inf: damaged cells
                return None
            value = str(int(value))
        elif not isinstance(value, str):
            return None
        code = self.aliases.get(value)  # fast path: clean label or code as typed
        if code is not None:
            return code
        key = normalise_key(value)
        code = self.aliases.get(key)
        if code is None and self.width and key.isdigit() and len(key) < self.width:
            code = self.aliases.get(key.zfill(self.width))
        return code

    def choices(self) -> list[tuple[str, str]]:
        """``[(code, label), ...]`` for select fields, in table order."""
        return list(self.labels.items())

    def __contains__(self, code: object) -> bool:
        return code in self.labels

    def __iter__(self):
        return iter(self.labels)


def _table(name: str, labels: dict[str, str], synonyms: dict[str, str] | None = None,
           *, width: int = 0) -> CodeTable:
    aliases: dict[str, str] = {}
    for code, text in labels.items():
        aliases[normalise_key(code)] = code
        aliases.setdefault(normalise_key(text), code)
    for text, code in (synonyms or {}).items():
        if code not in labels:  # a typo in this module must fail at import, not at run time
            raise ValueError(f"{name}: synonym {text!r} -> unknown code {code!r}")
        aliases.setdefault(normalise_key(text), code)
    # Exact-as-typed keys for the fast path (labels are already in clean form).
    for code, text in labels.items():
        aliases.setdefault(text, code)
        aliases.setdefault(code, code)
    return CodeTable(name, MappingProxyType(dict(labels)), MappingProxyType(aliases), width)


def label(table: CodeTable, code: str | None) -> str | None:
    """Label of ``code`` in ``table`` (None when unknown)."""
    return table.label(code)


def lookup(table: CodeTable, text: Any) -> str | None:
    """Code in ``table`` for a user's text/number (None when blank or unknown)."""
    return table.lookup(text)


# --- GB/T 4761-2008 家庭关系代码 (DOMAIN §2.1). Head = 02, self = 01, spouse = 10. -------------------
# Detailed labels in 40-49, 60-69, 70-79, 80-97 follow the standard's text [to confirm, DOMAIN §2.1].
RELATION = _table("relation", {
    "01": "本人", "02": "户主",
    "10": "配偶", "11": "夫", "12": "妻",
    "20": "子", "21": "独生子", "22": "长子", "23": "次子", "24": "三子", "25": "四子", "26": "五子",
    "27": "养子或继子", "28": "女婿", "29": "其他儿子",
    "30": "女", "31": "独生女", "32": "长女", "33": "次女", "34": "三女", "35": "四女", "36": "五女",
    "37": "养女或继女", "38": "儿媳", "39": "其他女儿",
    "40": "孙子、孙女或外孙子、外孙女", "41": "孙子", "42": "孙女", "43": "外孙子", "44": "外孙女",
    "45": "孙媳妇或外孙媳妇", "46": "孙女婿或外孙女婿", "47": "曾孙子或外曾孙子", "48": "曾孙女或外曾孙女",
    "49": "其他孙子、孙女或外孙子、外孙女",
    "50": "父母", "51": "父亲", "52": "母亲", "53": "公公", "54": "婆婆", "55": "岳父", "56": "岳母",
    "57": "继父或养父", "58": "继母或养母", "59": "其他父母关系",
    "60": "祖父母或外祖父母", "61": "祖父", "62": "祖母", "63": "外祖父", "64": "外祖母",
    "65": "配偶的祖父母或外祖父母", "66": "曾祖父", "67": "曾祖母", "68": "配偶的曾祖父母或外曾祖父母",
    "69": "其他祖父母或外祖父母关系",
    "70": "兄弟姐妹", "71": "兄", "72": "嫂", "73": "弟", "74": "弟媳", "75": "姐姐", "76": "姐夫",
    "77": "妹妹", "78": "妹夫", "79": "其他兄弟姐妹",
    "80": "其他", "81": "伯父", "82": "伯母", "83": "叔父", "84": "婶母", "85": "舅父", "86": "舅母",
    "87": "姨父", "88": "姨母", "89": "姑父", "90": "姑母", "91": "堂兄弟、堂姐妹", "92": "表兄弟、表姐妹",
    "93": "侄子", "94": "侄女", "95": "外甥", "96": "外甥女", "97": "其他亲属",
    "99": "非亲属",
}, {
    "自己": "01", "户主本人": "02", "本人(户主)": "02", "本人（户主）": "02",
    "爱人": "10", "丈夫": "11", "妻子": "12", "老伴": "10",
    "儿子": "20", "之子": "20", "长男": "22", "次男": "23", "二子": "23", "养子": "27", "继子": "27",
    "女儿": "30", "之女": "30", "二女": "33", "养女": "37", "继女": "37",
    "儿媳妇": "38", "媳妇": "38", "子媳": "38",
    "孙": "41", "孙儿": "41", "外孙": "43", "孙媳": "45", "外孙媳妇": "45", "外孙女婿": "46",
    "曾孙": "47", "外曾孙子": "47", "外曾孙女": "48",
    "父": "51", "爸爸": "51", "母": "52", "妈妈": "52",
    "继父": "57", "养父": "57", "继母": "58", "养母": "58",
    "祖父母": "60", "外祖父母": "60", "爷爷": "61", "奶奶": "62", "外公": "63", "姥爷": "63",
    "外婆": "64", "姥姥": "64",
    "兄弟": "70", "姐妹": "70", "哥哥": "71", "哥": "71", "嫂子": "72", "弟弟": "73", "弟妹": "74",
    "姐": "75", "妹": "77",
    "叔叔": "83", "叔": "83", "婶婶": "84", "婶": "84", "舅舅": "85", "舅": "85", "姨夫": "87", "姨": "88",
    "姑姑": "90", "姑": "90", "堂兄弟": "91", "堂姐妹": "91", "表兄弟": "92", "表姐妹": "92",
    "侄儿": "93", "外甥子": "95",
    "其他亲属关系": "97", "亲属": "97", "非亲属关系": "99",
}, width=2)

#: Relation codes that make a row the household head (M-25).
HEAD_RELATIONS = frozenset({"01", "02"})

# --- GB/T 2261.1 sex, restricted to NY/T 2539 C.17 (1 男, 2 女) ------------------------------------
SEX = _table("sex", {"1": "男", "2": "女"},
             {"男性": "1", "女性": "2", "M": "1", "F": "2", "male": "1", "female": "2"})

# --- NY/T 2539 C.15 ID document type -----------------------------------------------------------------
ID_TYPE = _table("id_type", {
    "1": "居民身份证", "2": "军官证", "3": "行政、企事业单位机构代码证或法人代码证", "4": "户口簿",
    "5": "护照", "9": "其他证件",
}, {
    "身份证": "1", "二代身份证": "1", "公民身份证": "1", "居民身份证号码": "1", "公民身份号码": "1",
    "户口本": "4", "户口簿": "4", "户籍簿": "4",
    "机构代码证": "3", "法人代码证": "3", "组织机构代码证": "3", "其他": "9",
})

#: ID types whose number is a GB 11643 公民身份号码 (a 户口簿 lists the holder's resident ID number,
#: and the sample rosters use 18-digit numbers for it), so rules I-01..I-05 apply to them.
RESIDENT_NUMBER_ID_TYPES = frozenset({"1", "4"})

# --- Membership status (DOMAIN §6.1) ------------------------------------------------------------------
MEMBER_STATUS = _table("member_status", {
    "pending": "待确认", "confirmed": "正式成员", "rejected": "不予确认", "lost": "已丧失",
    "withdrawn": "已自愿退出", "disputed": "争议中",
}, {
    "待定": "pending", "成员": "confirmed", "正式": "confirmed", "已确认": "confirmed",
    "丧失": "lost", "已丧失成员资格": "lost", "自愿退出": "withdrawn", "退出": "withdrawn",
    "争议": "disputed", "有争议": "disputed",
})

# --- Acquisition grounds (DOMAIN §2.4) ----------------------------------------------------------------
ACQUISITION_GROUND = _table("acquisition_ground", {
    "reform": "改革确认", "original": "原始成员", "birth": "出生", "marriage": "婚姻", "adoption": "收养",
    "policy_migration": "政策性移民", "admission": "成员大会接纳",
}, {
    "改革时确认": "reform", "产权制度改革确认": "reform", "原始": "original", "新生": "birth",
    "婚入": "marriage", "嫁入": "marriage", "入赘": "marriage", "婚嫁": "marriage",
    "移民": "policy_migration", "接纳": "admission",
    "经成员大会同意": "admission", "成员大会同意": "admission",
})

# --- Loss grounds (DOMAIN §2.5) -----------------------------------------------------------------------
LOSS_GROUND = _table("loss_ground", {
    "death": "死亡", "nationality": "丧失国籍", "other_membership": "取得其他集体经济组织成员身份",
    "civil_servant": "成为公务员（非聘任制）", "withdrawal": "自愿退出",
    "charter_or_law": "章程或法律规定的其他情形",
}, {
    "去世": "death", "宣告死亡": "death", "取得其他集体成员身份": "other_membership",
    "公务员": "civil_servant", "退出": "withdrawal", "其他": "charter_or_law",
})

# --- Retention flags (DOMAIN §2.6): multi-select, never change status (M-11) -------------------------
RETENTION_FLAG = _table("retention_flag", {
    "study": "就学", "military": "服役", "working_away": "务工", "business": "经商", "divorced": "离婚",
    "widowed": "丧偶", "serving_sentence": "服刑",
    "married_out_no_other_membership": "婚出未取得他处成员身份",
    "hukou_moved_to_town": "进城落户", "hukou_moved_elsewhere": "户籍迁出",
}, {"上学": "study", "在校": "study", "当兵": "military", "服兵役": "military", "外出务工": "working_away"})

# --- NY/T 2539 C.18 member remark (blank allowed) ------------------------------------------------------
MEMBER_REMARK = _table("member_remark", {
    "1": "外嫁女", "2": "入赘男", "3": "在校大学生", "4": "国家公职人员", "5": "军人", "6": "新生儿",
    "7": "去世", "9": "其他备注",
}, {"军人（军官、士兵）": "5", "军人(军官、士兵)": "5", "大学生": "3", "公职人员": "4", "其他": "9"})

# --- NY/T 2539 C.19 yes/no ------------------------------------------------------------------------------
YES_NO = _table("yes_no", {"1": "是", "2": "否"},
                {"Y": "1", "YES": "1", "√": "1", "✓": "1", "✔": "1", "N": "2", "NO": "2",
                 "×": "2", "✗": "2", "✘": "2"})

# --- Homestead status (DOMAIN §2.8) ---------------------------------------------------------------------
HOMESTEAD_STATUS = _table("homestead_status", {
    "in_use": "使用中", "withdrawn_paid": "已有偿退出", "transferred": "已流转", "lost_disaster": "灾毁灭失",
}, {"有偿退出": "withdrawn_paid", "流转": "transferred", "已灾毁灭失": "lost_disaster"})

#: All tables by name, for templates and generic select fields.
TABLES: Mapping[str, CodeTable] = MappingProxyType({t.name: t for t in (
    RELATION, SEX, ID_TYPE, MEMBER_STATUS, ACQUISITION_GROUND, LOSS_GROUND, RETENTION_FLAG,
    MEMBER_REMARK, YES_NO, HOMESTEAD_STATUS)})

# --- Land contract register (DOMAIN §2.3, NY/T 2539 Annex C; issue 15) ---------------------------------
#: C.10 承包经营权取得方式 (承包方式 CBFS). 129 and 900 are both "其他方式" in the standard: the label
#: reads as 129 (a contracting method); 900 is kept for round trips under its own label.
CONTRACT_METHOD = _table("contract_method", {
    "110": "家庭承包", "100": "承包", "120": "其他方式承包", "121": "招标", "122": "拍卖", "123": "公开协商",
    "129": "其他方式", "200": "转让", "300": "互换", "900": "其他（900）",
})
#: 土地利用类型 TDLYLX (GB/T 21010 second-level codes of arable land).
LAND_USE_TYPE = _table("land_use_type", {"0101": "水田", "0102": "水浇地", "0103": "旱地"}, width=4)
#: C.8 地力等级 DLDJ.
LAND_GRADE = _table("land_grade", {f"{n:02d}": f"{c}等地" for n, c in enumerate("一二三四五六七八九十", 1)},
                    width=2)
#: C.9 土地用途 TDYT.
LAND_USE = _table("land_use", {"1": "种植业", "2": "林业", "3": "畜牧业", "4": "渔业", "5": "非农业用途"})
#: 流转方式 LZFS (Q-15: internal codes, mapped on export).
CIRCULATION_METHOD = _table("circulation_method", {
    "lease": "出租", "sublease": "转包", "share_in": "入股", "other": "其他",
}, {"出租（转包）": "lease", "其他方式": "other"})
#: Life cycle of the 经营权证 (certificate of the contract right).
CERTIFICATE_STATUS = _table("certificate_status", {
    "issued": "已颁发", "reissued": "已补发", "replaced": "已换发", "cancelled": "已注销",
})

#: The land tables join the table index (templates' ``code_label`` filter).
TABLES = MappingProxyType({**TABLES, **{t.name: t for t in (
    CONTRACT_METHOD, LAND_USE_TYPE, LAND_GRADE, LAND_USE, CIRCULATION_METHOD, CERTIFICATE_STATUS)}})
