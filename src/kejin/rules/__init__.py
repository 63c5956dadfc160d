"""The rules core: pure Python, no Django. Money, identifiers, rates, days, formulas."""
