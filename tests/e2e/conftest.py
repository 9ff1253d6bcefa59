"""End-to-end tests run the real program in a pty (sys.path gets this folder for pty_app)."""
