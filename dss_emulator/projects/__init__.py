"""Projects on a DSS node: each one a real git repository laid out like DSS's project git."""
