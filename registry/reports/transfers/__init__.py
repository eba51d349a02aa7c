"""Read-only queries over rights transactions (issue 11): the register with filters and SQL totals, the
transactions a household or person is party to, a transaction's history (no HTML, no Excel)."""
