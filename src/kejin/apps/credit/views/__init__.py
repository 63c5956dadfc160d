"""Pages of the credit context: the same services and selectors as the API."""
