"""Bundles: exported on a design node (snapshots of committed project content), imported and activated on
automation nodes; plus the connections a node offers (activation checks them)."""
