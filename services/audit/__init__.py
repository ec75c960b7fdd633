"""The audit trail of state-changing actions."""
