"""Who attended a meeting and how (A-02, A-06): in person, online, by written proxy.

Attendance in person and online is given either by name (names or ID numbers of members of the
base) or as a count where the village keeps only counts; proxies are always by name, one per line
``委托人 受托人``. A proxy holder must be a member of the absent member's household (同一户) with
full civil capacity on the meeting date: another household or a non-member → A-06, a minor or a
member with limited capacity → A-07. An absent member counts once, whoever holds the proxy."""
from __future__ import annotations

import re
from dataclasses import dataclass

from registry.services.assembly.capacity import BaseEntry, MeetingBase
from registry.services.errors import DomainError

IN_PERSON, ONLINE, PROXY = "in_person", "online", "proxy"
MODE_LABELS = {IN_PERSON: "现场出席", ONLINE: "线上参会", PROXY: "书面委托"}

MAX_COUNT_DIGITS = 7
_SEPARATORS = re.compile(r"[\s,，、;；]+")
_PROXY_SEPARATORS = re.compile(r"\s*(?:→|->|=>|委托|[\s,，、:：;；])+\s*")


@dataclass(frozen=True)
class Proxy:
    absent: BaseEntry
    holder: BaseEntry


@dataclass(frozen=True)
class Attendance:
    """``in_person``/``online``: counts; ``modes``: ``{person id: mode}`` when recorded by name
    (proxies always); ``by_name``: in person and online were given by name."""

    in_person: int
    online: int
    proxies: tuple[Proxy, ...]
    modes: dict[int, str]
    by_name: bool

    @property
    def total(self) -> int:
        return self.in_person + self.online + len(self.proxies)


def _split(text: str | int | None) -> int | list[str]:
    """A count (digits only, or blank = 0) or a list of names / ID numbers."""
    if text is None:
        return 0
    if isinstance(text, int):
        return text
    text = text.strip()
    if not text:
        return 0
    if text.isdigit() and len(text) <= MAX_COUNT_DIGITS:  # a 15/18-digit ID number is a name
        return int(text)
    return [t for t in _SEPARATORS.split(text) if t]


class Finder:
    """Finds a member of the roster that day by ID number or by an unambiguous name."""

    def __init__(self, base: MeetingBase):
        self.entries = list(base.members) + list(base.excluded)
        self.in_base = {e.person_id for e in base.members}

    def find(self, token: str, what: str) -> BaseEntry | None:
        token = token.strip()
        by_id = [e for e in self.entries if e.id_number == token.upper()]
        if by_id:
            return by_id[0]
        by_name = [e for e in self.entries if e.name == token]
        if len(by_name) > 1:
            raise DomainError("attendance.ambiguous", f"{what}「{token}」有同名成员，请改填身份证号码")
        return by_name[0] if by_name else None

    def in_base_member(self, token: str, what: str, *, rule: str = "A-07") -> BaseEntry:
        entry = self.find(token, what)
        if entry is None:
            raise DomainError("attendance.unknown", f"{what}「{token}」不是会议当日名册上的成员", rule=rule)
        if entry.person_id not in self.in_base:
            raise DomainError("attendance.not_in_base",
                              f"{what}「{entry.name}」不在应到成员之列：{entry.reason}", rule=rule)
        return entry


def _proxies(finder: Finder, text: str, base_kind: str) -> list[Proxy]:
    out: dict[int, Proxy] = {}
    if (text or "").strip() and base_kind != "member_assembly":
        raise DomainError("attendance.proxy_body", "书面委托只适用于成员大会（本户成员代为出席），成员代表大会不适用",
                          rule="A-06")
    for n, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p for p in _PROXY_SEPARATORS.split(line.strip()) if p]
        if len(parts) != 2:
            raise DomainError("attendance.proxy_line",
                              f"委托第 {n} 行「{line.strip()}」应写作「委托人 受托人」两个姓名（或身份证号码）",
                              rule="A-06")
        absent = finder.in_base_member(parts[0], "委托人", rule="A-06")
        holder = finder.find(parts[1], "受托人")
        if holder is None:
            raise DomainError("attendance.proxy_not_member",
                              f"受托人「{parts[1]}」不是本集体经济组织成员：书面委托只能交给同一户中有完全民事行为能力的成员",
                              rule="A-06")
        if holder.person_id == absent.person_id:
            raise DomainError("attendance.proxy_self", f"「{absent.name}」不能委托自己", rule="A-06")
        if holder.person_id not in finder.in_base:
            raise DomainError("attendance.proxy_minor",
                              f"受托人「{holder.name}」没有完全民事行为能力（{holder.reason}），不能接受委托",
                              rule="A-07")
        if holder.household_id is None or holder.household_id != absent.household_id:
            raise DomainError("attendance.proxy_household",
                              f"受托人「{holder.name}」与委托人「{absent.name}」不是同一户成员，委托无效，不计入出席人数",
                              rule="A-06")
        known = out.get(absent.person_id)
        if known is not None and known.holder.person_id != holder.person_id:
            raise DomainError("attendance.proxy_twice", f"「{absent.name}」委托了两名受托人", rule="A-06")
        out[absent.person_id] = Proxy(absent, holder)
    return list(out.values())


def resolve_attendance(base: MeetingBase, *, in_person: str | int | None, online: str | int | None,
                       proxies: str | None, body: str = "member_assembly") -> Attendance:
    """Check the attendance against ``base`` and return it; raises DomainError (A-06, A-07, counts)."""
    finder = Finder(base)
    given = {IN_PERSON: _split(in_person), ONLINE: _split(online)}
    proxy_list = _proxies(finder, proxies or "", body)
    by_name = any(isinstance(v, list) for v in given.values())
    modes: dict[int, str] = {}
    counts = {}
    for mode, value in given.items():
        if isinstance(value, int):
            if by_name and value:
                raise DomainError("attendance.mixed", "现场出席和线上参会请都按姓名填写，或都只填人数")
            counts[mode] = value
            continue
        for token in value:
            entry = finder.in_base_member(token, MODE_LABELS[mode])
            if modes.get(entry.person_id, mode) != mode:
                raise DomainError("attendance.twice", f"「{entry.name}」既现场出席又线上参会，只能计一次")
            modes[entry.person_id] = mode
        counts[mode] = sum(1 for m in modes.values() if m == mode)
    for proxy in proxy_list:
        if proxy.absent.person_id in modes:
            raise DomainError("attendance.proxy_present",
                              f"「{proxy.absent.name}」已{MODE_LABELS[modes[proxy.absent.person_id]]}，不能再委托",
                              rule="A-06")
        modes[proxy.absent.person_id] = PROXY
    attendance = Attendance(counts[IN_PERSON], counts[ONLINE], tuple(proxy_list), modes, by_name)
    if attendance.total > base.size:
        raise DomainError("resolution.counts",
                          f"出席人数 {attendance.total}（现场 {attendance.in_person}、线上 {attendance.online}、"
                          f"委托 {len(proxy_list)}）多于应到人数 {base.size}")
    return attendance
