"""The cyclic collector is paused inside the block and left as it was found after it."""

from __future__ import annotations

import gc

import pytest

from graph.bulk import collector_paused


@pytest.fixture
def collector_on():
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_paused_inside_and_on_again_after(collector_on):
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_on_again_after_an_error(collector_on):
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("failed half way")
    assert gc.isenabled()


def test_a_nested_pause_leaves_the_collector_to_the_outer_one(collector_on):
    with collector_paused():
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off(collector_on):
    gc.disable()
    with collector_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_a_block_that_leaves_many_objects_is_followed_by_one_full_collection(collector_on, monkeypatch):
    collections: list[tuple] = []
    monkeypatch.setattr(gc, "collect", lambda *args: collections.append(args) or 0)
    with collector_paused():
        kept = [[i] for i in range(1000)]
    assert collections == []  # a few objects: nothing more than resuming
    monkeypatch.setattr("graph.bulk.LARGE", 500)
    with collector_paused():
        kept += [[i] for i in range(1000)]
    assert collections == [()] and len(kept) == 2000
