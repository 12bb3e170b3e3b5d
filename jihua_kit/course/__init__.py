"""The training notebooks' widgets, self-checks and quiz (callbacks are plain functions)."""
