"""Consumer lag from offsets: what a group has still to read, including partitions it never committed on."""

from __future__ import annotations

from monitoring.lag import LagSample, PartitionOffsets, TopicLag, lag_samples, partition_lag, topic_lags


def test_lag_is_the_end_offset_minus_the_committed_offset() -> None:
    assert partition_lag(PartitionOffsets("t", 0, earliest=0, end=10), committed=7) == 3
    assert partition_lag(PartitionOffsets("t", 0, earliest=0, end=10), committed=10) == 0


def test_a_partition_never_committed_on_counts_every_retained_record() -> None:
    assert partition_lag(PartitionOffsets("t", 0, earliest=4, end=10), committed=None) == 6
    assert partition_lag(PartitionOffsets("t", 0, earliest=0, end=0), committed=None) == 0


def test_a_committed_offset_overtaken_by_retention_resumes_at_the_earliest_record() -> None:
    assert partition_lag(PartitionOffsets("t", 0, earliest=50, end=60), committed=20) == 10


def test_lag_is_never_negative() -> None:
    # an end offset read a moment before the commit it is compared with
    assert partition_lag(PartitionOffsets("t", 0, earliest=0, end=5), committed=6) == 0


def test_samples_per_partition_sorted_and_committed_per_partition() -> None:
    logs = [PartitionOffsets("b", 1, 0, 4), PartitionOffsets("a", 0, 0, 3), PartitionOffsets("b", 0, 0, 9)]
    samples = lag_samples("g", logs, {("b", 0): 9, ("b", 1): 1})
    assert samples == [LagSample("g", "a", 0, 3), LagSample("g", "b", 0, 0), LagSample("g", "b", 1, 3)]


def test_topic_lags_sum_each_groups_partitions_and_name_the_worst_the_lowest_of_equals() -> None:
    samples = [LagSample("g", "t.a", 0, 2), LagSample("g", "t.a", 1, 7), LagSample("g", "t.a", 2, 7),
               LagSample("other", "t.a", 0, 0), LagSample("g", "t.b", 3, 1)]
    assert topic_lags(samples) == [TopicLag("g", "t.a", 16, 1, 7), TopicLag("other", "t.a", 0, 0, 0),
                                   TopicLag("g", "t.b", 1, 3, 1)]
    assert topic_lags([]) == []
