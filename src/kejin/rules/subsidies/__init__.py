"""Support measures of the seed policy: one module per measure, each a pure function returning an
:class:`~kejin.rules.subsidies.trace.Award` with its trace.

- :mod:`~kejin.rules.subsidies.interest` (+ ``interest_batch``): loan interest subsidy, 十三
- :mod:`~kejin.rules.subsidies.listing`: staged listing (十五), NEEQ and regional equity (十六)
- :mod:`~kejin.rules.subsidies.mna`: M&A intermediary fees, 十五
- :mod:`~kejin.rules.subsidies.bond`: bond interest subsidy, 十七
- :mod:`~kejin.rules.subsidies.grants`: maker space and competitions (二十二), park (十九),
  talent (二十五)
"""
