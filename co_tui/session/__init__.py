"""The user's session on this machine: where co-tui keeps its files, the settings, the stored
logins, and reading a token in.

- ``paths.py``: the config, state and cache folders, private file writes, the config lock.
- ``config.py``: ``config.toml`` read into :class:`~co_tui.session.config.Settings`.
- ``toml_files.py``: TOML in and out, the files written atomically under a lock.
- ``credentials.py``: which domain and token a launch uses (flags, environment, files).
- ``login_target.py``: which profile and domain a login uses; the TUI login's set-up.
- ``login_store.py``: ``co-tui login`` / ``logout`` storage, token input from stdin or a prompt.

Nothing here imports :mod:`co_tui.api` or Textual: settings are read before the network client
exists, and the token and domain primitives they share with the client live below both
(:mod:`co_tui.redact`, :mod:`co_tui.domain`).
"""
