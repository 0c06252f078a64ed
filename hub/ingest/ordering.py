"""The ordering key of an ingest record: what its messages are kept in order by, and correlated within.

Every record with the same key lands on the same partition, so one worker sees them in order and keeps their shared
state (file numbers, a business's notices, message ids) in its local table partition.
"""

from __future__ import annotations

from collections.abc import Mapping

from aiokafka.partitioner import murmur2

from hub.routing.directory import Directory
from topics.envelope import Envelope

# Standards whose messages are ordered by one of their parties: the authority of this role (author or reader).
PARTY_ORDERED: Mapping[str, str] = {
    "XBau": "bauaufsicht",  # it announces the file numbers (Aktenzeichen) later messages refer to
}
# Standards ordered by a fact of the message, when it carries it.
ATTRIBUTE_ORDERED: Mapping[str, str] = {
    "XGewerbeanzeige": "gewerbebetrieb_id",  # every notification of one business, wherever it is filed
    "XGewerbeordnung": "gewerbebetrieb_id",
    "XPersonenstand": "antragsteller_sha256",  # an applicant's requests, and the deliveries answering them
}


def ordering_key(event: Envelope, directory: Directory) -> str:
    """The key a message's ingest record carries; falls back to the message's case."""
    role = PARTY_ORDERED.get(event.standard)
    if role is not None:
        for party in (event.author, event.reader):
            authority = directory.authority(party)
            if authority is not None and authority.role == role:
                return f"{event.standard}:{authority.key}"
        return f"{event.standard}:{event.reader}"
    attribute = ATTRIBUTE_ORDERED.get(event.standard)
    if attribute is not None and event.attributes.get(attribute):
        return f"{event.standard}:{event.attributes[attribute]}"
    return f"{event.standard}:{event.case_id}"


def partition_of(key: bytes, partitions: int) -> int:
    """The partition Kafka's default partitioner gives `key` (murmur2), as the producer computes it."""
    return (int(murmur2(key)) & 0x7FFFFFFF) % partitions
