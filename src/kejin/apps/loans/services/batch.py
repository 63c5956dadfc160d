"""All-or-nothing batches: every item is tried inside one transaction; any error rolls all back
and the caller gets every error, each named ``items[i].field`` (API) or by row (spreadsheets)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, is_dataclass
from decimal import Decimal
from typing import Any, TypeVar

from django.db import transaction

from kejin.apps.loans.errors import LoanError
from kejin.rules.errors import DomainError

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class ItemError:
    index: int
    field: str
    message: str


class BatchRejected(DomainError):
    """Nothing was written; ``item_errors`` lists every problem."""

    def __init__(self, errors: Sequence[ItemError], *, label: str = "items") -> None:
        self.item_errors = list(errors)
        fields = {f"{label}[{e.index}].{e.field}": e.message for e in self.item_errors}
        super().__init__(
            code=LoanError.BATCH_INVALID,
            message=f"批量数据中有 {len(self.item_errors)} 处错误，未写入任何数据",
            fields=fields,
            status=422,
        )


class _Rollback(Exception):
    pass


def content_hash(item: Any) -> str:
    """A stable hash of what was reported (idempotency: same id + same hash = nothing to do)."""
    data = asdict(item) if is_dataclass(item) and not isinstance(item, type) else item
    text = json.dumps(data, sort_keys=True, default=_plain, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _plain(value: Any) -> str:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def run_batch(
    items: Sequence[T],
    apply: Callable[[int, T], R],
    *,
    label: str = "items",
    index_of: Sequence[int] | None = None,
) -> list[R]:
    """Apply each item in one transaction; on any DomainError roll everything back and raise
    :class:`BatchRejected` with all the errors (items after a failure are still tried, so that
    one upload reports every problem)."""
    if not items:
        raise DomainError(
            code=LoanError.BATCH_EMPTY, message="批量数据为空", fields={label: "没有数据"}
        )
    errors: list[ItemError] = []
    results: list[R] = []
    try:
        with transaction.atomic():
            for i, item in enumerate(items):
                try:
                    with transaction.atomic():
                        results.append(apply(i, item))
                except DomainError as exc:
                    fields = exc.fields or {"item": exc.message}
                    shown = index_of[i] if index_of is not None else i
                    errors.extend(ItemError(shown, f, m) for f, m in fields.items())
            if errors:
                raise _Rollback
    except _Rollback:
        raise BatchRejected(errors, label=label) from None
    return results
