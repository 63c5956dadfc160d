"""Pages of the enterprises context (same services and selectors as the API)."""
