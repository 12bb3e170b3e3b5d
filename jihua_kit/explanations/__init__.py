"""Single-case views on the rules: a household's entitlements and a unit's deductions, explained step by step."""
