"""`hub kafka status` in figures: topics with partitions and records, and each group's lag per topic."""

from __future__ import annotations

from hub.kafka.status_report import GroupLag, TopicState, group_lags, render, topic_states
from monitoring.lag import PartitionOffsets

INGEST, STATUS, OTHER = "t.trade.ingest", "t.hub.status", "elsewhere.topic"
LOGS = [PartitionOffsets(INGEST, 0, 0, 10), PartitionOffsets(INGEST, 1, 5, 12),
        PartitionOffsets(STATUS, 0, 0, 40), PartitionOffsets(STATUS, 1, 0, 0)]


def test_topics_show_partitions_and_retained_records_and_missing_ones() -> None:
    assert topic_states([INGEST, STATUS, "t.missing"], LOGS) == [
        TopicState(INGEST, 2, 10 + 7), TopicState(STATUS, 2, 40), TopicState("t.missing", 0, 0)]


def test_the_hub_group_shows_lag_on_every_topic_it_reads_even_without_a_commit() -> None:
    committed = {"hub": {(INGEST, 0): 10, (INGEST, 1): 9}}
    lags = group_lags({"hub": "Stable"}, committed, LOGS, "hub", [INGEST, STATUS])
    assert lags == [GroupLag("hub", "Stable", STATUS, 40, 0, 40),  # never committed: all 40 records wait
                    GroupLag("hub", "Stable", INGEST, 3, 1, 3)]  # sorted by topic name


def test_other_groups_show_only_where_they_committed_on_the_deployments_topics() -> None:
    committed = {"recipient-app": {(STATUS, 0): 38, (OTHER, 0): 1}, "unrelated": {(OTHER, 0): 5}}
    lags = group_lags({"recipient-app": "Empty", "unrelated": "Stable"}, committed, LOGS, "hub", [INGEST])
    assert [(g.group, g.topic, g.lag) for g in lags] == [("hub", INGEST, 17), ("recipient-app", STATUS, 2)]
    assert lags[0].state == "unknown"  # the hub's group has not joined yet


def test_rendering_names_each_group_and_only_the_topics_behind() -> None:
    lags = [GroupLag("hub", "Stable", INGEST, 0, 0, 0), GroupLag("hub", "Stable", STATUS, 7, 3, 5)]
    lines = render(topic_states([INGEST, STATUS], LOGS), lags)
    assert lines[0].split() == [INGEST, "2", "partitions,", "17", "records"]
    assert "  hub (Stable): lag 7 on 2 topics" in lines
    assert [line for line in lines if INGEST in line and "lag" in line] == []
    assert any(STATUS in line and "lag 7 (worst partition 3: 5)" in line for line in lines)
    assert render([], [])[-1] == "Consumer groups: none reads the deployment's topics"
