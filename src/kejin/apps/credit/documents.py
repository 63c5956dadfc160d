"""Uploaded documents (dispute evidence, executives' signed consents): PDF, PNG or JPEG whose
content matches its name, at most the configured size."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings

from kejin.apps.credit.errors import CreditError
from kejin.rules.errors import DomainError

TYPES = {".pdf": b"%PDF", ".png": b"\x89PNG", ".jpg": b"\xff\xd8\xff", ".jpeg": b"\xff\xd8\xff"}


def check_document(upload: Any, *, field: str, what: str, required: bool) -> None:
    if upload is None:
        if required:
            raise DomainError(
                CreditError.DOCUMENT_INVALID, f"请上传{what}", {field: f"{what}为必传材料"}
            )
        return
    ext = os.path.splitext(upload.name or "")[1].lower()
    magic = TYPES.get(ext)
    head = upload.read(8)
    upload.seek(0)
    if magic is None or not head.startswith(magic):
        raise DomainError(
            CreditError.DOCUMENT_INVALID,
            f"{what}须为 PDF、PNG 或 JPG 文件",
            {field: "文件类型不支持（只接受 PDF、PNG、JPG）"},
        )
    if upload.size is not None and upload.size > settings.KEJIN_MAX_UPLOAD_BYTES:
        limit_mb = settings.KEJIN_MAX_UPLOAD_BYTES // (1024 * 1024)
        raise DomainError(
            CreditError.DOCUMENT_INVALID, f"{what}不能超过 {limit_mb} MB", {field: "文件过大"}
        )
