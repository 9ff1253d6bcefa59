"""co_tui.heap.HeapKeeper: full garbage-collector passes wait for a pause in the user's keys."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from co_tui.heap import DUE, FORCED, FORCED_S, IDLE_S, HeapKeeper


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def keeper() -> Iterator[tuple[HeapKeeper, Clock]]:
    before = gc.get_threshold()
    clock = Clock()
    keeper = HeapKeeper(clock)
    keeper.settle()
    try:
        yield keeper, clock
    finally:
        keeper.restore()
        gc.unfreeze()
        assert gc.get_threshold() == before


def _young_passes(count: int) -> None:
    """``count`` collections of generation 1 (each counts towards a full pass)."""
    for _ in range(count):
        gc.collect(1)


def test_settle_leaves_full_passes_to_the_keeper_and_restore_gives_them_back() -> None:
    before = gc.get_threshold()
    keeper = HeapKeeper()
    keeper.settle()
    try:
        young, middle, full = gc.get_threshold()
        assert (young, middle) == before[:2]
        assert full > 1_000_000  # CPython never starts a full pass by itself
        assert gc.isenabled()
        assert gc.get_freeze_count() > 0
    finally:
        keeper.restore()
        gc.unfreeze()
    assert gc.get_threshold() == before


def test_no_full_pass_when_none_is_due(keeper: tuple[HeapKeeper, Clock]) -> None:
    heap, clock = keeper
    gc.collect()
    clock.now += 100
    _young_passes(DUE - 1)
    assert not heap.tick()
    assert heap.full_passes == 0


def test_a_due_full_pass_waits_for_a_pause_in_the_keys(keeper: tuple[HeapKeeper, Clock]) -> None:
    heap, clock = keeper
    gc.collect()
    _young_passes(DUE)
    heap.input()
    clock.now += IDLE_S / 2
    assert not heap.tick()  # the user is typing
    heap.input()
    clock.now += IDLE_S - 0.01
    assert not heap.tick()
    clock.now += 0.02
    assert heap.tick()  # a pause: the pass is made now
    assert heap.full_passes == 1
    assert heap.due() == 0
    assert not heap.tick()


def test_an_overdue_full_pass_is_made_while_keys_arrive(keeper: tuple[HeapKeeper, Clock]) -> None:
    heap, clock = keeper
    gc.collect()
    _young_passes(FORCED)
    heap.input()
    assert heap.tick()  # too many young passes: memory in cycles must not grow without bound
    _young_passes(DUE)
    clock.now += FORCED_S
    heap.input()
    assert heap.tick()  # a minute of keys: made anyway
    assert heap.full_passes == 2


def test_cycles_are_still_freed(keeper: tuple[HeapKeeper, Clock]) -> None:
    """Garbage in reference cycles made after settle() is freed by the keeper's pass."""
    import weakref

    heap, clock = keeper

    class Node:
        pass

    node = Node()
    node.me = node  # type: ignore[attr-defined]
    gone = weakref.ref(node)
    _young_passes(2)  # it outlives the young generations while in use ...
    del node
    _young_passes(DUE)  # ... so that, once garbage, only a full pass frees it
    assert gone() is not None
    clock.now += IDLE_S
    assert heap.tick()
    assert gone() is None


def test_before_settle_the_keeper_does_nothing() -> None:
    heap = HeapKeeper()
    _young_passes(FORCED)
    assert not heap.tick()
