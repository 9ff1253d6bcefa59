"""My Data's first page kept between sessions (co_tui.session.page_cache): one private file per
deployment and user, no token in it, bounded, and never trusted when it looks wrong."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from co_tui.redact import Secret
from co_tui.session.page_cache import MAX_BYTES, PageCache, cache_dir, clear_domain

DOMAIN = "https://co.example"
TOKEN = "cop_0123456789abcdefghijklmnopqrstuvwxyzABCD"
PAGE = json.dumps({"results": [{"id": "a1", "name": "Raw reads", "created": 1_700_000_000}],
                   "has_more": True}).encode()


def _cache(token: str = TOKEN, domain: str = DOMAIN) -> PageCache:
    return PageCache(domain, Secret(token))


def test_a_saved_page_reads_back_from_a_private_file_without_the_token() -> None:
    cache = _cache()
    assert cache.write(PAGE, now=1_750_000_000.0)
    path = cache.path
    assert path.parent == cache_dir()
    assert str(path).startswith(os.environ["XDG_CACHE_HOME"])
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    raw = path.read_bytes()
    assert TOKEN.encode() not in raw and TOKEN not in path.name and TOKEN[4:20] not in path.name
    read = cache.read()
    assert read is not None
    assert read.saved_at == 1_750_000_000.0
    assert json.loads(read.page_json) == json.loads(PAGE)
    assert read.rows[0]["name"] == "Raw reads"
    assert "cop_" not in repr(cache)


def test_another_user_or_deployment_does_not_see_the_page() -> None:
    assert _cache().write(PAGE)
    assert _cache(token=TOKEN + "x").read() is None
    assert _cache(domain="https://other.example").read() is None
    assert _cache().read() is not None


def test_a_page_larger_than_the_bound_is_not_written() -> None:
    huge = json.dumps({"results": [{"id": str(i), "name": "x" * 1000} for i in range(3000)]})
    cache = _cache()
    assert not cache.write(huge.encode())
    assert not cache.path.exists()


@pytest.mark.parametrize("content", [
    b"not json at all",
    b'{"version": 1, "domain": "https://co.example", "saved_at": 1}\n[1, 2]',
    b'{"version": 99, "domain": "https://co.example", "saved_at": 1}\n{"results": []}',
    b'{"version": 1, "domain": "https://evil.example", "saved_at": 1}\n{"results": []}',
    b'{"version": 1, "domain": "https://co.example", "saved_at": "soon"}\n{"results": []}',
])
def test_an_unreadable_or_foreign_file_is_ignored_and_removed(content: bytes) -> None:
    cache = _cache()
    assert cache.write(PAGE)
    cache.path.write_bytes(content)
    assert cache.read() is None
    assert not cache.path.exists()


def test_a_file_others_can_read_or_an_oversized_one_is_not_trusted() -> None:
    cache = _cache()
    assert cache.write(PAGE)
    os.chmod(cache.path, 0o644)
    assert cache.read() is None
    assert not cache.path.exists()
    assert cache.write(PAGE)
    with cache.path.open("ab") as stream:
        stream.write(b" " * (MAX_BYTES + 1))
    assert cache.read() is None


def test_a_symlink_in_place_of_the_file_is_not_followed(tmp_path: Path) -> None:
    cache = _cache()
    assert cache.write(PAGE)
    target = tmp_path / "elsewhere.json"
    target.write_bytes(cache.path.read_bytes())
    os.chmod(target, 0o600)
    cache.path.unlink()
    cache.path.symlink_to(target)
    assert cache.read() is None


def test_clearing_a_deployment_removes_only_its_pages() -> None:
    mine, other_user, other_domain = _cache(), _cache(token=TOKEN + "2"), _cache(domain="https://b.example")
    for cache in (mine, other_user, other_domain):
        assert cache.write(PAGE)
    assert clear_domain(DOMAIN) == 2
    assert not mine.path.exists() and not other_user.path.exists()
    assert other_domain.path.exists()
    assert clear_domain(None) == 1
    assert not other_domain.path.exists()


def test_the_cache_setting_off_removes_the_page_and_reads_nothing() -> None:
    from co_tui.launch import _first_page_cache
    from co_tui.session.config import Config, Settings

    cache = _cache()
    assert cache.write(PAGE)
    on = _first_page_cache(DOMAIN, Secret(TOKEN), Config())
    assert on is not None and on.cached is not None and on.cached.rows[0]["id"] == "a1"
    assert _first_page_cache(DOMAIN, Secret(TOKEN), Config(settings=Settings(cache=False))) is None
    assert not cache.path.exists()
    assert _first_page_cache(DOMAIN, None, Config()) is None  # the demo: no cache


def test_logout_removes_the_cached_pages(capsys: pytest.CaptureFixture[str]) -> None:
    from co_tui.cli import main

    cache = _cache()
    assert cache.write(PAGE)
    assert main(["logout"]) == 0
    assert not cache.path.exists()
    assert "Cached list rows removed." in capsys.readouterr().out
