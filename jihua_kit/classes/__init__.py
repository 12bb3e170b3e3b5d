"""Live class sessions: the quiz on phones, answers kept in SQLite, the trainer's console."""
