"""Just enough PDF reading to check what a weasyprint PDF says: inflate the streams, read the
fonts' ToUnicode maps, decode the hex glyph strings of the page content."""

from __future__ import annotations

import re
import zlib

STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)
BFCHAR = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")
BFRANGE = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")
HEX = re.compile(rb"<([0-9A-Fa-f]{4,})>")


def _streams(data: bytes) -> list[bytes]:
    out = []
    for raw in STREAM.findall(data):
        try:
            out.append(zlib.decompress(raw))
        except zlib.error:
            out.append(raw)
    return out


def pdf_text(data: bytes) -> str:
    streams = _streams(data)
    glyphs: dict[int, str] = {}
    for s in streams:
        if b"begincmap" not in s:
            continue
        for block in re.findall(rb"beginbfrange(.*?)endbfrange", s, re.S):
            for lo, hi, dst in BFRANGE.findall(block):
                start = int(dst, 16)
                for i, g in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                    glyphs[g] = chr(start + i)
        for block in re.findall(rb"beginbfchar(.*?)endbfchar", s, re.S):
            for src, dst in BFCHAR.findall(block):
                glyphs[int(src, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be", "replace")
    text = []
    for s in streams:
        if b"begincmap" in s or (b"Tj" not in s and b"TJ" not in s):
            continue
        for h in HEX.findall(s):
            for i in range(0, len(h) - 3, 4):
                text.append(glyphs.get(int(h[i : i + 4], 16), ""))
    return "".join(text)
