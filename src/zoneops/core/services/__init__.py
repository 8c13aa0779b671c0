"""Every write in core goes through these functions: transactional, permission-checked, audited."""
