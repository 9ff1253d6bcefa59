"""The README's test command is exactly what CI runs."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_ci_runs_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Test it", 1)[1]
    command = re.search(r"```sh\n(.+?)\n```", section, re.S).group(1).strip()  # type: ignore[union-attr]
    ci_lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert command in ci_lines


def test_the_readme_settings_example_is_every_setting_and_valid() -> None:
    import dataclasses
    import tomllib

    from co_tui.session.config import Settings

    readme = (ROOT / "README.md").read_text()
    section = readme.split("### Settings", 1)[1]
    example = re.search(r"```toml\n(.+?)\n```", section, re.S).group(1)  # type: ignore[union-attr]
    table = tomllib.loads(example)["settings"]
    settings, warnings = Settings.from_mapping(table)
    assert warnings == []
    assert set(table) == {f.name for f in dataclasses.fields(Settings)}
    assert settings.page_size == Settings().page_size  # the example shows the real defaults
