"""Dialogs (modal screens) shown over a screen: help, filters, and later the editing dialogs."""
