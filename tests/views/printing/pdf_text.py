"""Reading back the PDFs WeasyPrint writes, without a PDF library (none is in the test extra): the pages in
order, each page's text decoded through the embedded fonts' ToUnicode maps, and the fonts.

Text decoded this way proves more than "the HTML had the words": every character went through a font
embedded in the file (``FontFile*``), and a glyph the font lacks (tofu, glyph 0) is reported."""
from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, field

_STREAM = re.compile(rb"(\d+) 0 obj\s*(<<.*?>>)\s*stream\r?\n", re.S)
_PLAIN = re.compile(rb"(\d+) 0 obj\s*(<<.*?>>)\s*endobj", re.S)


def _objects(pdf: bytes) -> dict[int, tuple[bytes, bytes | None]]:
    """``{number: (dictionary, stream data or None)}``, object streams unpacked, streams inflated."""
    objs: dict[int, tuple[bytes, bytes | None]] = {}
    for m in _PLAIN.finditer(pdf):
        objs[int(m.group(1))] = (m.group(2), None)
    for m in _STREAM.finditer(pdf):
        head = m.group(2)
        length = int(re.search(rb"/Length (\d+)", head).group(1))
        data = pdf[m.end():m.end() + length]
        objs[int(m.group(1))] = (head, zlib.decompress(data) if b"/FlateDecode" in head else data)
    for head, data in list(objs.values()):
        if data is not None and b"/ObjStm" in head:
            first = int(re.search(rb"/First (\d+)", head).group(1))
            numbers = [int(x) for x in data[:first].split()]
            pairs = list(zip(numbers[0::2], numbers[1::2]))
            for i, (num, offset) in enumerate(pairs):
                end = pairs[i + 1][1] if i + 1 < len(pairs) else len(data) - first
                objs[num] = (data[first + offset:first + end].strip(), None)
    return objs


def _ref(text: bytes, key: bytes) -> int | None:
    m = re.search(rb"/" + key + rb"\s+(\d+) 0 R", text)
    return int(m.group(1)) if m else None


def _cmap(data: bytes) -> dict[int, str]:
    out: dict[int, str] = {}

    def uni(hexdigits: bytes) -> str:
        return bytes.fromhex(hexdigits.decode()).decode("utf-16-be")

    for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        for code, value in re.findall(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            out[int(code, 16)] = uni(value)
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for lo, hi, value in re.findall(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            start = ord(uni(value)[-1])
            for k, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                out[code] = uni(value)[:-1] + chr(start + k)
    return out


@dataclass
class Font:
    base_font: str
    embedded: bool
    to_unicode: dict[int, str]


@dataclass
class Pdf:
    pages: list[str] = field(default_factory=list)  # the text of each page, runs joined
    fonts: dict[str, Font] = field(default_factory=dict)  # by resource name
    missing_glyphs: int = 0  # glyph 0 (.notdef, tofu) drawn

    @property
    def text(self) -> str:
        return "\n".join(self.pages)


def read_pdf(pdf: bytes) -> Pdf:
    assert pdf.startswith(b"%PDF-"), pdf[:20]
    objs = _objects(pdf)
    out = Pdf()

    def font(name: str, num: int) -> Font:
        if name not in out.fonts:
            head = objs[num][0]
            descendant = int(re.search(rb"/DescendantFonts\s*\[\s*(\d+) 0 R", head).group(1))
            descriptor = objs[_ref(objs[descendant][0], b"FontDescriptor")][0]
            out.fonts[name] = Font(
                base_font=re.search(rb"/BaseFont\s*/([^\s/<>\[\]]+)", head).group(1).decode(),
                embedded=bool(re.search(rb"/FontFile[23]?\s+\d+ 0 R", descriptor)),
                to_unicode=_cmap(objs[_ref(head, b"ToUnicode")][1]))
        return out.fonts[name]

    root = next(head for head, _ in objs.values() if re.search(rb"/Type\s*/Pages\b", head)
                and b"/Parent" not in head)
    kids = [int(n) for n in re.findall(rb"(\d+) 0 R", re.search(rb"/Kids\s*\[(.*?)\]", root, re.S).group(1))]
    for kid in kids:
        page = objs[kid][0]
        resources = objs[_ref(page, b"Resources")][0]
        font_dict = objs[_ref(resources, b"Font")][0] if _ref(resources, b"Font") else b""
        refs = {k.decode(): int(v) for k, v in re.findall(rb"/([^\s/<>]+)\s+(\d+) 0 R", font_dict)}
        content = objs[_ref(page, b"Contents")][1]
        text, current = [], None
        for m in re.finditer(rb"/([^\s/<>\[\]]+)\s+[\d.]+\s+Tf|\[(.*?)\]\s*TJ|<([0-9a-fA-F]*)>\s*Tj", content, re.S):
            if m.group(1):
                current = font(m.group(1).decode(), refs[m.group(1).decode()])
                continue
            for run in re.findall(rb"<([0-9a-fA-F]*)>", m.group(2) or b"<" + m.group(3) + b">"):
                codes = [int(run[i:i + 4], 16) for i in range(0, len(run), 4)]
                out.missing_glyphs += codes.count(0)
                text.append("".join(current.to_unicode.get(c, "\ufffd") for c in codes))
        out.pages.append("".join(text))
    return out
