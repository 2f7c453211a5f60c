"""Instance-level routes: instance info, auth info, general settings."""
