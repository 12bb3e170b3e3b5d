"""Offline reveal.js slide decks built from the notebooks, with their answer keys."""
