"""Which borrowers may be registered into a pool: tech SMEs and HNTEs (RULES §5, §6).

The one door to the enterprises context's status: every check of a borrower's eligibility in this
app goes through :func:`borrower_statuses`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from kejin.apps.enterprises.selectors import hnte_valid, tech_sme_status

TECH_SME = "tech_sme"
HNTE = "hnte"
LABELS = {TECH_SME: "科技型中小企业", HNTE: "高新技术企业"}


def borrower_statuses(enterprise_ids: Iterable[int], on: date) -> dict[int, frozenset[str]]:
    """For each enterprise, the eligible kinds it holds on ``on`` (``tech_sme``, ``hnte``)."""
    ids = list(enterprise_ids)
    sme = tech_sme_status(ids, on)
    hnte = hnte_valid(ids, on)
    return {
        i: frozenset(k for k, ok in ((TECH_SME, sme.get(i)), (HNTE, hnte.get(i))) if ok)
        for i in ids
    }


def describe(kinds: Iterable[str]) -> str:
    shown = [LABELS.get(k, k) for k in kinds]
    return "、".join(shown) if shown else "无"
