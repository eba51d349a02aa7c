"""Pinyin of personal names, for search by initials or full pinyin and for sorting (issue 13).

``name_pinyin("王秀兰") == NamePinyin(full="wangxiulan", initials="wxl")``: lower-case ASCII, tones
dropped, ü written ``v`` (as typed on a Chinese keyboard: 吕 → ``lv``), characters that are not Han
(the middle dot of 阿依达娜·努尔兰, spaces) left out, Latin letters kept. Readings come from pypinyin;
its phrase dictionary reads a name like ordinary words, which gets polyphonic **surnames** wrong
(单 dān for shàn, 曾 céng for zēng, 解 jiě for xiè, 区 qū for ōu, 仇 chóu for qiú — pypinyin has no
surname mode), so a name's leading surname is read from ``SURNAMES`` first: compound surnames
(长孙, 尉迟 …) before single ones. Given names are read as pypinyin reads them.
"""
from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from pypinyin import Style, lazy_pinyin

__all__ = ["NamePinyin", "SURNAMES", "name_pinyin", "is_pinyin_query"]

#: Surnames whose reading as a surname differs from pypinyin's default reading of the character.
#: Each entry is the character's (or compound's) reading in its surname sense.
SURNAMES: dict[str, tuple[str, ...]] = {
    "万俟": ("mo", "qi"), "尉迟": ("yu", "chi"), "单于": ("chan", "yu"), "长孙": ("zhang", "sun"),
    "澹台": ("tan", "tai"), "皇甫": ("huang", "fu"), "宇文": ("yu", "wen"), "令狐": ("ling", "hu"),
    "单": ("shan",), "曾": ("zeng",), "解": ("xie",), "区": ("ou",), "仇": ("qiu",), "朴": ("piao",),
    "查": ("zha",), "盖": ("ge",), "乐": ("yue",), "翟": ("zhai",), "缪": ("miao",), "覃": ("qin",),
    "种": ("chong",), "秘": ("bi",), "繁": ("po",), "折": ("she",), "员": ("yun",), "召": ("shao",),
    "句": ("gou",), "隗": ("wei",), "过": ("guo",), "贲": ("ben",), "祭": ("zhai",), "眭": ("sui",),
    "藏": ("zang",), "都": ("du",), "柏": ("bai",), "宿": ("su",), "沈": ("shen",), "长": ("chang",),
    "重": ("chong",), "华": ("hua",), "纪": ("ji",), "燕": ("yan",), "石": ("shi",), "冼": ("xian",),
    "阚": ("kan",), "叶": ("ye",), "薄": ("bo",), "那": ("na",), "牟": ("mou",), "殷": ("yin",),
}
_LONGEST = max(len(s) for s in SURNAMES)


class NamePinyin(NamedTuple):
    """``full``: the syllables run together (``wangxiulan``); ``initials``: their first letters (``wxl``)."""

    full: str
    initials: str


def _syllables(text: str) -> list[str]:
    out: list[str] = []
    for token in lazy_pinyin(text, style=Style.NORMAL, errors=lambda chars: list(chars)):
        token = token.lower()
        if token.isascii() and token.isalnum():
            out.append(token)
    return out


@lru_cache(maxsize=65536)
def name_pinyin(name: str | None) -> NamePinyin:
    """Full pinyin and initials of a personal name ("" for a blank name); see the module docstring."""
    name = (name or "").strip()
    if not name:
        return NamePinyin("", "")
    syllables: list[str] = []
    for size in range(min(_LONGEST, len(name)), 0, -1):
        surname = SURNAMES.get(name[:size])
        if surname is not None:
            syllables.extend(surname)
            name = name[size:]
            break
    syllables.extend(_syllables(name))
    return NamePinyin("".join(syllables), "".join(s[0] for s in syllables))


def is_pinyin_query(text: str) -> bool:
    """True for a search text of Latin letters only (``wxl``, ``wangxiulan``, ``Wang Xiulan``)."""
    letters = text.replace(" ", "")
    return bool(letters) and letters.isascii() and letters.isalpha()
