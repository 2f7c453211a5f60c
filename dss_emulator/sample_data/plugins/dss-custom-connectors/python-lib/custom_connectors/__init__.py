"""Shared helpers of the custom connectors."""
