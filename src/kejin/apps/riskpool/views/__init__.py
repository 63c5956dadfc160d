"""Pages of the risk pool context (the same services and selectors as the API)."""
