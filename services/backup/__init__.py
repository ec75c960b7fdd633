"""Backup and restore: what an operator runs after restoring the database."""
