"""A stored computation trace (``Trace.to_dict()``) as Chinese lines for the claim page."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from kejin.rules.money import fmt_yuan


def trace_lines(data: Mapping[str, Any]) -> list[str]:
    if not data:
        return []
    out = [f"{data.get('title', '')}（依据：{data.get('clause', '')}）"]
    for number, step in enumerate(data.get("steps", []), start=1):
        head = f"{number}. {step.get('label', '')}"
        if step.get("formula"):
            head += f"：{step['formula']}"
        elif step.get("amount") is not None:
            head += f"：{fmt_yuan(Decimal(step['amount']))} 元"
        out.append(head)
        for p in step.get("params", []):
            value = Decimal(p["value"])
            shown = (
                f"{fmt_yuan(value)} 元" if p.get("unit") == "yuan" else f"{value.normalize():f}%"
            )
            out.append(f"   参数 {p['key']} = {shown}（{p['source']}）")
        if step.get("note"):
            out.append(f"   说明：{step['note']}")
    return out
