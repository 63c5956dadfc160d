"""The measure adapters: each program runs one, which gathers facts and calls its rule."""

from __future__ import annotations

from kejin.apps.policies.codes import CLAUSE_OF, MeasureCode, MilestoneKind
from kejin.apps.policies.measures.base import Computed, Context, InputField, Measure
from kejin.apps.policies.measures.deals import BondInterest, MnaFees
from kejin.apps.policies.measures.grants import Competition, MakerSpace, Park, Talent
from kejin.apps.policies.measures.interest import InterestSubsidy
from kejin.apps.policies.measures.milestones import (
    ListingStage,
    LocalBroker,
    NeeqStage,
    RegionalEquity,
)

MEASURES: dict[str, Measure] = {
    m.code: m
    for m in (
        InterestSubsidy(),
        ListingStage(),
        NeeqStage(),
        RegionalEquity(),
        LocalBroker(),
        MnaFees(),
        BondInterest(),
        MakerSpace(),
        Competition(),
        Park(),
        Talent(),
    )
}


def measure_of(code: str) -> Measure:
    return MEASURES[code]


__all__ = [
    "CLAUSE_OF",
    "MEASURES",
    "Computed",
    "Context",
    "InputField",
    "Measure",
    "MeasureCode",
    "MilestoneKind",
    "measure_of",
]
