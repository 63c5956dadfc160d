"""Pages of the marketplace: the same services and selectors as the API."""
