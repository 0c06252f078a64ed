"""Routing is a pure function of event, directory and rules: every entitled authority once, nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest

from hub import pipeline
from hub.app.factory import codelist_dir
from hub.delivery.channels import KafkaChannel
from hub.pipeline import Routing
from hub.routing.directory import Directory
from hub.routing.errors import ConfigError, NoRecipient, UnknownAuthority, UnknownMunicipality
from hub.routing.route import ADDRESSED_READER, route, topic_for
from hub.routing.rules import Rules
from hub.settings import Settings
from topics.catalogue import KAFKA_OUTBOUND
from topics.envelope import Envelope


def _event(data: bytes, attributes: dict[str, str] | None = None, **changes: object) -> Envelope:
    event = pipeline.read(data, max_bytes=1_000_000).envelope
    return event.model_copy(update={**changes, "attributes": {**event.attributes, **(attributes or {})}})


def _route(event: Envelope, routing: Routing) -> dict[str, str]:
    return {r.key: r.role for r in route(event, routing.directory, routing.rules, routing.catalogue)}


def test_bensheim_anmeldung_reaches_every_entitled_authority_once(anmeldung_bensheim: bytes, routing: Routing) -> None:
    event = _event(anmeldung_bensheim)
    recipients = route(event, routing.directory, routing.rules, routing.catalogue)
    keys = [r.key for r in recipients]
    assert len(keys) == len(set(keys))
    assert recipients[0].key == event.reader and recipients[0].rule == ADDRESSED_READER and recipients[0].as_sent
    roles = {r.role for r in recipients}
    assert {"gewerbeaufsicht", "ihk", "finanzamt", "statistik"} <= roles
    assert event.author not in keys
    # no authority of the shipped directory reads Kafka itself: every copy goes to the shared delivery stream
    assert all(r.topic == routing.catalogue.delivery for r in recipients)


@pytest.mark.parametrize("ags", ["06431002", "06431011", "06431020"])
def test_each_seed_municipality_routes_to_its_district(anmeldung_bensheim: bytes, routing: Routing, ags: str) -> None:
    recipients = _route(_event(anmeldung_bensheim, ags=ags), routing)
    district = routing.directory.responsible("gewerbeaufsicht", ags)
    assert district is not None and recipients[district.key] == "gewerbeaufsicht"


def test_crafts_go_to_the_handwerkskammer(anmeldung_bensheim: bytes, routing: Routing) -> None:
    craft = _event(anmeldung_bensheim, attributes={"handwerk": "ja"}, reader="fin:2605")
    roles = set(_route(craft, routing).values())
    assert "hwk" in roles and "ihk" not in roles


def test_reader_that_is_also_a_rule_recipient_gets_one_copy(anmeldung_bensheim: bytes, routing: Routing) -> None:
    recipients = route(_event(anmeldung_bensheim), routing.directory, routing.rules, routing.catalogue)
    ihk = [r for r in recipients if r.role == "ihk"]
    assert len(ihk) == 1 and ihk[0].as_sent


def test_unknown_municipality_is_refused(anmeldung_bensheim: bytes, routing: Routing) -> None:
    with pytest.raises(UnknownMunicipality):
        _route(_event(anmeldung_bensheim, ags="09162000"), routing)


def test_unknown_reader_is_refused(anmeldung_bensheim: bytes, routing: Routing) -> None:
    with pytest.raises(UnknownAuthority):
        _route(_event(anmeldung_bensheim, reader="ihk:99999999"), routing)


def test_role_without_authority_for_the_municipality(anmeldung_bensheim: bytes, tmp_path: Path,
                                                     routing: Routing, settings: Settings) -> None:
    text = (settings.routing_dir / "authorities.toml").read_text()
    narrowed = text.replace('role = "finanzamt"\nserves = ["06431"]', 'role = "finanzamt"\nserves = ["06431011"]')
    assert narrowed != text
    directory_file = tmp_path / "authorities.toml"
    directory_file.write_text(narrowed)
    with pytest.raises(NoRecipient) as info:
        directory = Directory.load(directory_file, codelist_dir(settings))
        route(_event(anmeldung_bensheim), directory, routing.rules, routing.catalogue)
    assert "finanzamt" in info.value.detail


def _rules_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "rules.toml"
    path.write_text(text)
    return path


def test_rules_naming_an_unknown_role_name_file_rule_and_field(tmp_path: Path, routing: Routing) -> None:
    path = _rules_file(tmp_path, """
[[rule]]
id = "r1"
standard = "XGewerbeanzeige"
kinds = ["anmeldung"]
scope = ["06431"]
recipients = ["zauberer"]
""")
    with pytest.raises(ConfigError) as info:
        Rules.load(path, routing.directory)
    assert str(path) in str(info.value) and "rule r1" in str(info.value) and "'recipients'" in str(info.value)


def test_rules_with_a_scope_outside_the_directory(tmp_path: Path, routing: Routing) -> None:
    path = _rules_file(tmp_path, """
[[rule]]
id = "bayern"
standard = "XGewerbeanzeige"
kinds = ["anmeldung"]
scope = ["09"]
recipients = ["statistik"]
[policy.statistik]
description = "x"
keep = ["**"]
""")
    with pytest.raises(ConfigError) as info:
        Rules.load(path, routing.directory)
    assert "'scope'" in str(info.value)


def test_broken_toml_is_a_config_error(tmp_path: Path, routing: Routing) -> None:
    with pytest.raises(ConfigError) as info:
        Rules.load(_rules_file(tmp_path, "[[rule]\nid="), routing.directory)
    assert "not valid TOML" in str(info.value)


def test_reader_without_a_stream_for_the_standard_is_refused(anmeldung_bensheim: bytes, routing: Routing) -> None:
    with pytest.raises(NoRecipient) as info:
        _route(_event(anmeldung_bensheim, reader="ags:06431020"), routing)
    assert info.value.field == "reader" and "keinen XGewerbeanzeige-Strom" in info.value.detail


def test_receiving_roles_cover_rule_roles_and_declared_extras(routing: Routing) -> None:
    trade = routing.rules.stream_roles("XGewerbeanzeige")
    assert {"gewerbeaufsicht", "finanzamt", "ihk", "hwk", "statistik", "gewerbeamt"} <= trade
    assert "meldebehoerde" not in trade  # registration offices receive no trade notifications


def test_a_recipient_that_reads_kafka_gets_a_topic_of_its_own(routing: Routing) -> None:
    ihk = routing.directory.authority("ihk:06411000")
    assert ihk is not None
    kafka_ihk = ihk.model_copy(update={"delivery": KafkaChannel(channel="kafka")})
    assert topic_for(routing.catalogue, "XGewerbeanzeige", kafka_ihk) == \
        routing.catalogue.name(KAFKA_OUTBOUND, recipient="ihk:06411000", domain="trade")
    assert topic_for(routing.catalogue, "XGewerbeanzeige", ihk) == routing.catalogue.delivery
