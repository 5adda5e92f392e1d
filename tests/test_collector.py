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
