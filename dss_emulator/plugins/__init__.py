"""Plugins of a node: installed ones, and development plugins that each have their own git repository."""
