"""The cyclic collector is paused inside the block, left as it was found after it, and what a large
block made is frozen out of later collections."""

from __future__ import annotations

import gc

import pytest

from graph.bulk import long_lived


@pytest.fixture
def collector_on():
    was = gc.isenabled()
    gc.enable()
    yield
    gc.unfreeze()
    if not was:
        gc.disable()


def test_paused_inside_and_on_again_after(collector_on):
    with long_lived():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_on_again_after_an_error(collector_on):
    with pytest.raises(RuntimeError), long_lived():
        raise RuntimeError("failed half way")
    assert gc.isenabled()


def test_a_nested_block_leaves_the_collector_to_the_outer_one(collector_on):
    with long_lived():
        with long_lived():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off(collector_on):
    gc.disable()
    with long_lived():
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_a_block_that_leaves_many_objects_freezes_them(collector_on, monkeypatch):
    gc.collect()
    gc.unfreeze()
    with long_lived():
        kept = [[i] for i in range(100)]
    assert gc.get_freeze_count() == 0  # a few objects: nothing more than resuming
    monkeypatch.setattr("graph.bulk.LARGE", 500)
    with long_lived():
        kept += [[i] for i in range(1000)]
    assert gc.get_freeze_count() >= 1000 and len(kept) == 1100
    tracked = {id(o) for o in gc.get_objects()}
    assert id(kept[-1]) not in tracked  # frozen: no later collection walks it


def test_frozen_objects_are_still_freed_when_dropped(collector_on, monkeypatch):
    import weakref

    class Record:
        pass

    monkeypatch.setattr("graph.bulk.LARGE", 500)
    with long_lived():
        records = [Record() for _ in range(1000)]
    watch = weakref.ref(records[0])
    del records
    assert watch() is None
