"""The trainee app: Voilà behind the room server (kernel pool, cap, waiting page)."""
