"""Topics the benchmark uses besides the hub's own: the source and sink of the raw Kafka passthrough."""

from __future__ import annotations

from topics.catalogue import Catalogue, ResolvedTopic, TopicSpec

PASSTHROUGH_SOURCE = TopicSpec(
    name="bench.passthrough.{standard}.source",
    key="a key per message, spread like the ordering keys of an ingest topic",
    description="The benchmark's generated messages of one standard, read back by the raw passthrough.",
    retention="ingest",
)
PASSTHROUGH_SINK = TopicSpec(
    name="bench.passthrough.{standard}.sink",
    key="the source record's key",
    description="What the raw passthrough wrote: the source records' bytes, unchanged.",
    retention="ingest",
)


def passthrough_topics(catalogue: Catalogue, standard: str) -> tuple[ResolvedTopic, ResolvedTopic]:
    """Source and sink of the passthrough of one standard's messages, with the deployment's prefix and partitions
    (those of the hub's ingest topics)."""
    part = standard.lower()
    if not part.isalnum():
        raise ValueError(f"standard {standard!r} cannot name a topic")
    source = catalogue.resolve(PASSTHROUGH_SOURCE, catalogue.prefix + PASSTHROUGH_SOURCE.name.format(standard=part))
    sink = catalogue.resolve(PASSTHROUGH_SINK, catalogue.prefix + PASSTHROUGH_SINK.name.format(standard=part))
    return source, sink
