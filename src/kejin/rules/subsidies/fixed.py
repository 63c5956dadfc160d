"""Fixed-amount awards: a parameter read on the reference date, paid once, or zero with a reason.

Most support measures of the seed are a fixed amount on a qualifying event (share reform completed,
tutoring agreement signed, quotation, a maker space recognised, a prize won). This module gives
them one shape: the amount is the parameter in force on the event date; a second award for the same
event, or an event that does not qualify, gives zero with the reason in the trace, never an error.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from kejin.rules.money import ZERO, fmt_yuan, round_fen
from kejin.rules.params import ParameterSet
from kejin.rules.subsidies.trace import Award, Trace, TraceStep


@dataclass(frozen=True)
class Measure:
    """A fixed-amount measure: its code, Chinese title, seed clause and amount parameter."""

    code: str
    title: str
    clause: str
    param: str


def fixed_award(
    measure: Measure,
    beneficiary: str,
    on: date,
    params: ParameterSet,
    inputs: Mapping[str, Any],
    *,
    refusal: str = "",
) -> Award:
    """The award of ``measure`` to ``beneficiary`` for an event on ``on``.

    ``refusal`` (Chinese) gives the reason the event does not qualify; the award is then zero and
    the reason is the last trace step. Otherwise the amount is the parameter in force on ``on``.
    """
    value = params.value_at(measure.param, on)
    amount = round_fen(value.value)
    trace = Trace(measure.code, measure.title, measure.clause, dict(inputs))
    if refusal:
        step = TraceStep(label=measure.title, amount=ZERO, note=refusal, code="refused")
        return Award(measure.code, beneficiary, ZERO, on, trace.add(step), reasons=(refusal,))
    step = TraceStep(
        label=measure.title,
        amount=amount,
        formula=f"按 {on.isoformat()} 施行的标准 {fmt_yuan(amount)} 元",
        params=(value,),
        on=on,
    )
    return Award(measure.code, beneficiary, amount, on, trace.add(step))
