"""Reusable widgets: they know nothing of screens and take server text only as sanitised
Content."""
