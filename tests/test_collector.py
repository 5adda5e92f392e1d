"""The cycle collector is paused for a block and left as it was found: on after it when it was on,
off when the caller had turned it off (also when the block raises)."""

from __future__ import annotations

import gc

import pytest

from roo_calc.collector import paused


def test_the_collector_is_off_inside_and_as_it_was_after():
    assert gc.isenabled()
    with paused():
        assert not gc.isenabled()
        with paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ValueError), paused():
        raise ValueError
    assert gc.isenabled()
    gc.disable()
    try:
        with paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_objects_kept_out_of_the_collector_are_given_back_after_the_block():
    from roo_calc.collector import kept_out

    before = gc.get_freeze_count()
    with kept_out() as keep:
        keep()
        assert gc.get_freeze_count() > before
    assert gc.get_freeze_count() == 0
