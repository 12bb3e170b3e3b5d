"""Spreadsheets in and out: roster and audit sheets read back, payment and scorecard books, templates."""
