"""i18n: every msgid used in ``registry/`` and ``templates/`` has a Chinese translation in the merged
``registry/translations/zh_Hans_CN/parts/*.po``, and pages really render in Chinese.

The completeness test polices every module: a new ``_("...")`` without a zh entry fails here with the
list of missing msgids (add them to the part file of your area)."""
from __future__ import annotations

from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

from registry.i18n import compile_catalogs

REPO = Path(__file__).resolve().parents[2]
PARTS = REPO / "registry" / "translations" / "zh_Hans_CN" / "parts"
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "lazy_ngettext": (1, 2)}
METHODS = [("**.py", "python"), ("**.html", "jinja2.ext:babel_extract")]


def extracted_msgids() -> dict[str, str]:
    """msgid (singular) → "file:line" of its first use, from Python code and Jinja templates."""
    found: dict[str, str] = {}
    for folder in ("registry", "templates"):
        for filename, lineno, message, _comments, _context in extract_from_dir(
            REPO / folder, METHODS, keywords=KEYWORDS, strip_comment_tags=True,
            # Babel's default filter skips "_*" folders, which would hide templates/_macros.
            directory_filter=lambda path: not Path(path).name.startswith((".", "__")),
        ):
            msgid = message[0] if isinstance(message, tuple) else message
            if msgid:
                found.setdefault(msgid, f"{folder}/{filename}:{lineno}")
    return found


def translated() -> dict[str, str]:
    """msgid (singular) → zh translation, merged over all part files (as registry.i18n merges them)."""
    out: dict[str, str] = {}
    for part in sorted(PARTS.glob("*.po")):
        with part.open("rb") as fh:
            for message in read_po(fh, locale="zh_Hans_CN"):
                if not message.id:
                    continue
                msgid = message.id[0] if isinstance(message.id, tuple) else message.id
                text = message.string
                if isinstance(text, tuple):
                    text = text[0] if all(text) else ""
                if text:
                    out[msgid] = text
    return out


def test_every_msgid_has_a_chinese_translation():
    used, zh = extracted_msgids(), translated()
    assert len(used) > 50, "extraction found suspiciously few messages"
    missing = sorted(f"{where}: {msgid!r}" for msgid, where in used.items() if msgid not in zh)
    assert not missing, (
        f"{len(missing)} msgid(s) without a zh_Hans_CN translation — add them to "
        f"registry/translations/zh_Hans_CN/parts/<area>.po:\n" + "\n".join(missing))


def test_placeholders_survive_translation():
    used, zh = extracted_msgids(), translated()
    import re

    bad = []
    for msgid in used:
        if msgid in zh:
            want = sorted(re.findall(r"%\(\w+\)[sd]", msgid))
            if sorted(re.findall(r"%\(\w+\)[sd]", zh[msgid])) != want:
                bad.append(f"{msgid!r} → {zh[msgid]!r}")
    assert not bad, "placeholders differ:\n" + "\n".join(bad)


def test_parts_compile_into_the_catalog(tmp_path):
    locale_dir = tmp_path / "zh_Hans_CN" / "parts"
    locale_dir.mkdir(parents=True)
    for part in PARTS.glob("*.po"):
        (locale_dir / part.name).write_bytes(part.read_bytes())
    assert compile_catalogs(tmp_path, force=True) == ["zh_Hans_CN"]
    assert (tmp_path / "zh_Hans_CN" / "LC_MESSAGES" / "messages.mo").stat().st_size > 1000


def test_login_page_renders_in_chinese(client):
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="zh-CN">' in html
    assert "临淄区农村集体经济组织成员与权益登记系统" in html
    assert "用户名" in html and "密码" in html and "登录" in html
    assert "Username" not in html and "Log in" not in html


def test_roster_page_renders_in_chinese(login_as):
    html = login_as("town").get("/villages/370305100201/roster").get_data(as_text=True)
    for text in ("成员名册", "户编号", "姓名", "性别", "证件号码", "与户主关系", "成员状态", "取得方式",
                 "是否本村户籍", "备案状态", "退出登录", "乡镇农经站"):
        assert text in html, text
    assert "Member roster" not in html


def test_error_message_is_chinese(client, demo):
    resp = client.post("/login", data={"username": "clerk", "password": "wrong-password"})
    assert "用户名或密码错误" in resp.get_data(as_text=True)


def test_english_on_request(client):
    html = client.get("/login?lang=en").get_data(as_text=True)
    assert "Username" in html and "用户名" not in html


def test_part_files_do_not_disagree():
    """The same msgid in two part files must have the same translation (the merge keeps the last one)."""
    seen: dict[str, tuple[str, str]] = {}
    clashes = []
    for part in sorted(PARTS.glob("*.po")):
        with part.open("rb") as fh:
            for message in read_po(fh, locale="zh_Hans_CN"):
                if not message.id or not message.string:
                    continue
                key = str(message.id)
                if key in seen and seen[key][1] != message.string:
                    clashes.append(f"{key!r}: {seen[key][0]} {seen[key][1]!r} ≠ {part.name} {message.string!r}")
                seen.setdefault(key, (part.name, message.string))
    assert not clashes, "conflicting translations:\n" + "\n".join(clashes)
