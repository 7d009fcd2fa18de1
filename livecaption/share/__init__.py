"""Sharing captions on the local network: a read-only caption page any browser can open."""
