"""What a WeasyPrint PDF says, as text (pypdf reads the fonts' ToUnicode maps)."""

from __future__ import annotations

import io

from pypdf import PdfReader


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "".join(page.extract_text() or "" for page in reader.pages)
