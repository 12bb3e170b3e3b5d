"""The rules themselves, one definition each: entitlements (E-*), deductions (D-*), deadlines and the annual targets."""
