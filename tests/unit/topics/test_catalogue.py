"""The catalogue names the topics the workers consume: every stream they read, never what waits for an operator."""

from __future__ import annotations

from topics.catalogue import Catalogue


def test_the_consumed_topics_are_the_streams_not_dead_letters_or_changelogs() -> None:
    catalogue = Catalogue(prefix="t.", app_id="hub-t")
    consumed = catalogue.consumed()
    for stream in (catalogue.ingest("XMeld"), catalogue.trade_ingest, catalogue.delivery, catalogue.delivery_retry,
                   catalogue.status, catalogue.references, catalogue.inbox_acks, catalogue.portal):
        assert stream in consumed
    assert catalogue.deadletter not in consumed
    assert not [t for t in consumed if t.endswith("-changelog")]
    assert len(consumed) == len(set(consumed))
