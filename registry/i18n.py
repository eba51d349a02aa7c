"""Locale selection. The UI is Chinese (zh_Hans_CN catalog); msgids are English so that
other catalogs need no code change."""
from __future__ import annotations

from flask import current_app, request


def get_locale() -> str:
    supported = current_app.config.get("LANGUAGES", ["zh_Hans_CN", "en"])
    explicit = request.args.get("lang") if request else None
    if explicit in supported:
        return explicit
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def compile_catalogs(root=None, *, force: bool = False) -> list[str]:
    """Merge ``translations/<locale>/parts/*.po`` into ``LC_MESSAGES/messages.mo``.

    Each view area keeps its own part file so catalogs can grow without merge conflicts.
    Compiles only when a part is newer than the .mo (or ``force``). Returns the locales built.
    Raises ``babel.messages.pofile.PoFileError`` for a malformed part."""
    from pathlib import Path

    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    root = Path(root) if root else Path(__file__).resolve().parent / "translations"
    built = []
    for locale_dir in sorted(p for p in root.iterdir() if p.is_dir()):
        parts = sorted((locale_dir / "parts").glob("*.po"))
        if not parts:
            continue
        mo_path = locale_dir / "LC_MESSAGES" / "messages.mo"
        newest = max(p.stat().st_mtime for p in parts)
        if not force and mo_path.exists() and mo_path.stat().st_mtime >= newest:
            continue
        catalog = Catalog(locale=locale_dir.name)
        for part in parts:
            with part.open("rb") as fh:
                for message in read_po(fh, locale=locale_dir.name):
                    if message.id and message.string:
                        catalog.add(message.id, message.string, context=message.context)
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = mo_path.with_suffix(".mo.tmp")
        with tmp.open("wb") as fh:
            write_mo(fh, catalog)
        tmp.replace(mo_path)
        built.append(locale_dir.name)
    return built


if __name__ == "__main__":
    print("compiled:", compile_catalogs(force=True))
