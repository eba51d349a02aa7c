"""Pure rule checks of the membership workflow (no database access): the closed list of loss grounds
(M-09, H-02), marriage and the "两头空" guard (M-12, W-03), the women's-equality keywords (W-02),
rejections (M-03, M-04) and retained rights (M-10, M-18). Each raises DomainError with the rule id.
"""
from __future__ import annotations

import datetime as dt

from registry.codes import LOSS_GROUND
from registry.services.errors import DomainError

#: Grounds after which existing rights may be kept for an agreed period (M-10, M-18).
RETAINING_GROUNDS = frozenset({"other_membership", "civil_servant", "withdrawal"})

#: W-02 keywords: marriage, divorce, widowhood, being unmarried, a household without men.
EQUALITY_KEYWORDS = ("婚", "嫁", "离异", "丧偶", "寡", "未婚", "单身", "无男", "女儿户", "纯女户", "招婿",
                     "入赘", "上门女婿", "外嫁", "出嫁", "夫家", "娘家")
#: Words that make a reason marriage-related (M-12, W-03).
MARRIAGE_WORDS = ("婚", "嫁", "入赘", "招婿", "上门", "夫家", "娘家")
#: Hukou words: a hukou move is never a ground for loss (H-02).
HUKOU_WORDS = ("户口", "户籍", "落户", "农转非", "迁出", "迁往", "hukou")
#: NY/T 2539 C.18 remarks that mark a marriage move (W-03): 1 外嫁女, 2 入赘男.
MARRIAGE_REMARKS = frozenset({"1", "2"})
MARRIED_OUT_FLAG = "married_out_no_other_membership"


def words_in(words, *texts: str | None) -> list[str]:
    """The ``words`` that occur in any of ``texts``, in ``words`` order (longest match kept)."""
    found = [w for w in words if any(w in (t or "") for t in texts)]
    return [w for w in found if not any(w != other and w in other for other in found)]


def equality_keywords(*texts: str | None) -> list[str]:
    """W-02 keywords found in the reason texts (empty list = no flag)."""
    return words_in(EQUALITY_KEYWORDS, *texts)


def check_loss_ground(ground: str | None) -> str:
    """The ground code, or DomainError: H-02 for anything hukou-like, M-09 otherwise."""
    if ground in LOSS_GROUND:
        return ground
    if ground and (words_in(HUKOU_WORDS, ground) or ground.startswith("hukou")):
        raise DomainError("membership.hukou_ground",
                          "户籍迁移（包括迁入城镇落户）不是丧失成员身份的法定事由", rule="H-02")
    raise DomainError("membership.loss_ground",
                      "丧失成员身份须有法定事由：死亡、丧失国籍、取得其他集体经济组织成员身份、"
                      "成为公务员（聘任制除外）、自愿退出，或法律法规和章程规定的其他情形", rule="M-09")


def check_charter_ground(citation: str | None, note: str | None) -> str:
    """M-09: a charter/law ground cites the article; H-02: it is never a hukou move; M-12: never
    marriage itself. Returns the stripped citation."""
    citation = (citation or "").strip()
    if not citation:
        raise DomainError("membership.citation_required",
                          "以“章程或法律规定的其他情形”丧失成员身份，须写明所依据的章程条款或法律法规条文",
                          rule="M-09")
    if words_in(HUKOU_WORDS, citation, note):
        raise DomainError("membership.hukou_ground",
                          "户籍迁移不是丧失成员身份的事由，章程也不能以此为由取消成员身份", rule="H-02")
    if words_in(MARRIAGE_WORDS, citation, note):
        raise DomainError("membership.marriage_ground",
                          "结婚本身不丧失成员身份；只有在他处取得集体经济组织成员身份后，"
                          "才能以“取得其他集体经济组织成员身份”办理（防止两头空）", rule="M-12")
    return citation


def marriage_context(remark: str | None, flags: list[str], *texts: str | None) -> bool:
    """True when the person moved by marriage (C.18 外嫁女/入赘男, the married-out flag) or the
    reason speaks of marriage (M-12, W-03)."""
    return remark in MARRIAGE_REMARKS or MARRIED_OUT_FLAG in flags or bool(words_in(MARRIAGE_WORDS, *texts))


def check_other_membership_proof(evidence: str | None, *, remark: str | None) -> str:
    """M-12 / W-03: a loss for membership elsewhere needs proof of the new membership."""
    evidence = (evidence or "").strip()
    if not evidence:
        rule = "W-03" if remark in MARRIAGE_REMARKS else "M-12"
        raise DomainError("membership.proof_required",
                          "以“取得其他集体经济组织成员身份”为由丧失成员身份，须提供已在他处取得成员身份的证明"
                          "（如对方集体经济组织的确认文件）；未取得的，成员身份保留（防止两头空）", rule=rule)
    return evidence


def check_retained_rights(ground: str, until: dt.date | None, lost_at: dt.date) -> None:
    """M-10 / M-18: rights are kept only after membership elsewhere, becoming a civil servant or a
    withdrawal, and only until a date after the loss."""
    if until is None:
        return
    if ground not in RETAINING_GROUNDS:
        raise DomainError("membership.retained_rights",
                          "只有取得其他集体经济组织成员身份、成为公务员或自愿退出的，才可约定保留已有权益的期限",
                          rule="M-10")
    if until < lost_at:
        raise DomainError("membership.retained_rights_date", "保留权益的期限不能早于丧失成员身份的日期",
                          rule="M-10")


def check_rejection(ground: str | None, reason: str | None) -> str:
    """M-03: a child born to a member cannot be rejected; M-04: a rejection has a written reason."""
    if ground == "birth":
        raise DomainError("membership.birth_reject",
                          "本集体成员所生子女应当确认为成员，不能不予确认", rule="M-03")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("membership.reason_required", "不予确认须写明书面理由", rule="M-04")
    return reason


def check_effective_date(day: dt.date | None, today: dt.date, *, since: dt.date | None = None,
                         what: str = "丧失日期") -> dt.date:
    if day is None:
        raise DomainError("membership.date_required", f"请填写{what}")
    if day > today:
        raise DomainError("membership.future_date", f"{what} {day.isoformat()} 不能晚于今天")
    if since is not None and day < since:
        raise DomainError("membership.date_before_start",
                          f"{what} {day.isoformat()} 不能早于取得（确认）成员身份的日期 {since.isoformat()}")
    return day
