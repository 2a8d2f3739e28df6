"""Business logic that spans models: writes (one module per feature)."""
