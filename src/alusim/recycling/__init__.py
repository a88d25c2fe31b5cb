"""Recycled supply from a dynamic stock model of aluminium in use (flodym)."""
