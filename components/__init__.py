"""The Pulumi program's parts (see __main__.py for how they fit together)."""
