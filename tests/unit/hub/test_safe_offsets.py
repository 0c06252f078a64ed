"""The commit rule: an offset is committed only when every offset before it since the last commit was processed."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from hub.app.safe_offsets import committable


def test_an_unbroken_run_from_the_committed_offset_is_committed() -> None:
    assert committable([10, 11, 12], 10) == (13, [])
    assert committable([12, 10, 11, 11], 10) == (13, [])  # order and repeats do not matter


def test_a_hole_holds_everything_behind_it() -> None:
    assert committable([10, 11, 13, 14], 10) == (12, [13, 14])
    assert committable([11, 12], 10) == (None, [11, 12])  # the record at the committed offset is not done yet


def test_nothing_is_committed_before_the_start_is_known() -> None:
    assert committable([0, 1, 2], None) == (None, [0, 1, 2])


@given(st.lists(st.integers(min_value=0, max_value=60)), st.integers(min_value=0, max_value=30))
def test_no_unprocessed_offset_is_ever_committed_past(acked: list[int], base: int) -> None:
    end, waiting = committable(acked, base)
    if end is not None:
        assert set(range(base, end)) <= set(acked)  # every offset below the commit was acknowledged
        assert end not in acked  # and it stops at the first one that was not
    assert all(offset > (end or base) for offset in waiting)
