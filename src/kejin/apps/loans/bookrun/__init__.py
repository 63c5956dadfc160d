"""The daily book run: every loan's position on a business date, computed for the whole book at
once with polars and written as dated ``LoanSnapshot`` rows.

- :mod:`~kejin.apps.loans.bookrun.compute` — the pure computation on polars frames (no Django),
  the vectorised twin of :func:`kejin.apps.loans.position.loan_position`;
- :mod:`~kejin.apps.loans.bookrun.frames` — reading the live book from the database into frames;
- :mod:`~kejin.apps.loans.bookrun.run` — the run itself (idempotent per business date) and
  starting one from a page or the API;
- :mod:`~kejin.apps.loans.bookrun.state` — where a run stands, for the progress page.

This package imports nothing at import time, so the pure computation can be used (and
benchmarked) without configuring Django.
"""
