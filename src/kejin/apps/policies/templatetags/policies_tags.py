"""Template filters of the policies pages: parameter values with their units, reason labels."""

from __future__ import annotations

from django import template

from kejin.rules.money import fmt_yuan
from kejin.rules.params import UNIT_LABELS, ParamValue, Unit
from kejin.rules.subsidies.interest import REASON_TEXT, Reason

register = template.Library()

SHORT_REASONS = {
    Reason.OUTSIDE_WINDOW.value: "不在贴息期内",
    Reason.NO_INTEREST.value: "无计入贴息的利息",
    Reason.RATE_NOT_ABOVE_BENCHMARK.value: "合同利率不高于基准利率",
    Reason.CAPPED.value: "年度上限核减",
    Reason.CAP_EXHAUSTED.value: "年度上限已用完",
}


@register.filter
def param_value(value: ParamValue | None) -> str:
    """``1000000`` yuan → ``1,000,000.00 元``; ``50`` percent → ``50%``."""
    if value is None:
        return "—"
    if value.unit is Unit.YUAN:
        return f"{fmt_yuan(value.value)} 元"
    return f"{value.value}{UNIT_LABELS[value.unit]}"


@register.filter
def reason_label(code: str) -> str:
    """A period's reason code as a short Chinese label (full text in the trace)."""
    return SHORT_REASONS.get(
        code, REASON_TEXT.get(Reason(code), code) if code in Reason._value2member_map_ else code
    )
