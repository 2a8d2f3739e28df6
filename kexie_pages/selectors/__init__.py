"""Reads that span models (one module per feature)."""
