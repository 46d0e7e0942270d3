"""Find and browse: the catalog of terms and its building, search, hierarchy (OLS-shaped
JSON), diagrams, term pages, and their routes."""
