"""The dated parameters origination reads (``rules/params/microloan.yaml``).

The city office's own dated values will be layered on top when the parameters context stores them
(``ParameterSet.defaults(extra=…)``); until then the YAML defaults are in force."""

from __future__ import annotations

from kejin.rules.params import ParameterSet


def microloan_params() -> ParameterSet:
    """The parameters in force (defaults plus the city's dated values)."""
    return ParameterSet.defaults()
