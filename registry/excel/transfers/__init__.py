"""The transaction register workbook (issue 11)."""
