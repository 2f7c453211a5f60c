"""Figures: ``python -m bench.<name>`` prints them, nothing is asserted."""
