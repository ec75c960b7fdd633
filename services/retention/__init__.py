"""Retention as records managers see it: what is due, what is held (read side)."""
