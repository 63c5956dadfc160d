"""Bind the acting person and organisation to every audit entry written inside a block."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING

from auditlog.context import set_extra_data

if TYPE_CHECKING:
    from kejin.platform.tenancy import Actor


@contextlib.contextmanager
def audit_as(actor: Actor, *, remote_addr: str | None = None) -> Iterator[None]:
    """Every audit entry written in this block names ``actor`` (person, organisation, token)."""
    data: dict[str, object] = {
        "actor": actor.audit_user,
        "actor_organisation": actor.organisation,
        "via_token": actor.token.prefix if actor.token else "",
        "remote_addr": remote_addr,
    }
    with set_extra_data(context_data=data):
        yield
