"""Screens: each owns its workers and talks to the client; widgets below know nothing of them."""
