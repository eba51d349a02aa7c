"""Read-only share and dividend queries: units per village / town / district, rounds per village with
totals, a holder's history of holdings and payments, a member's payments."""
