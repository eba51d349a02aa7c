"""Voluntary transfers and withdrawals of rights (issue 11): one entry point, ``workflow.act``."""
