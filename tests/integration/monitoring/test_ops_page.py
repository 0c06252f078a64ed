"""The operator page `/ops` in a real browser (Debian's headless Chromium) on two workers of one deployment, with a
webhook recipient that answers 503 to every call.

An operator signs in with an operator token; a message is sent; without reloading, the page shows it among the
messages of the last hour and shows the failing recipient, on both workers (one of them holds the recipient's lane
and the other asks it); the search finds the message's steps. Without an operator token (none, a clerk's, a
system's) the page is refused, and faust's own pages are not there at all.
"""

from __future__ import annotations

import http.client
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.support.browser import PNG_SIGNATURE
from tests.support.hub_process import RunningHub, new_config, operator_token, two_workers, wait_for
from tests.support.recipient_server import recipient_server
from tests.support.routing_data import webhook_routing

pytestmark = pytest.mark.integration
FAILING = "xga:06431000"  # the district's trade supervision: its webhook answers 503 to every call
FAILING_NAME = "Kreis Bergstraße – Gewerbeaufsicht"
REFRESH_S = 2
LIVE_MS = 90_000  # the longest the page may take to show what happened (attempts, then a refresh)


@dataclass
class Ops:
    workers: tuple[RunningHub, RunningHub]
    operator: str  # `hub token add --operator`
    clerk: str
    system: str  # an all-cases system token acting for every authority: not an operator


@pytest.fixture(scope="module")
def ops(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ops]:
    base = tmp_path_factory.mktemp("ops")
    with recipient_server({"/gewerbeaufsicht": -1}) as server:
        routing_dir, secrets = webhook_routing(base, FAILING, server.url("/gewerbeaufsicht"), max_attempts=3)
        config = new_config(kafka_bootstrap, tmp_path_factory, routing_dir=routing_dir, extra_env={
            "HUB_SECRETS_FILE": str(secrets), "HUB_RETRY_BASE_S": "0.5", "HUB_RETRY_MAX_DELAY_S": "1",
            "HUB_OPS_REFRESH_S": str(REFRESH_S)})
        operator = config.add_token("IT-Betrieb Kreis Bergstraße", (), operator=True)
        clerk = config.add_token("Bürgerbüro Bensheim", ("gba:06431002",), clerk=True)
        system = operator_token(config)
        with two_workers(config, tmp_path_factory, system) as workers:
            yield Ops(workers, operator, clerk, system)


def _sign_in(page: Page, hub: RunningHub, token: str) -> None:
    page.goto(f"{hub.base_url}/ops")
    assert page.url.endswith("/ops/anmelden")
    page.get_by_label("Betriebszugang (Token)").fill(token)
    page.get_by_role("button", name="Anmelden").click()


def _trade_count(page: Page) -> int:
    row = page.locator("#nachrichten tbody tr", has_text="XGewerbeanzeige")
    return int(row.locator("td.zahl").inner_text().replace(".", ""))


def _answer(hub: RunningHub, path: str, token: str | None = None) -> tuple[int, str, str]:
    """Status, Location and body of one GET, no redirect followed."""
    connection = http.client.HTTPConnection(urllib.parse.urlsplit(hub.base_url).netloc, timeout=30)
    try:
        connection.request("GET", path, headers={"Authorization": f"Bearer {token}"} if token else {})
        reply = connection.getresponse()
        return reply.status, reply.getheader("Location", ""), reply.read().decode("utf-8", "replace")
    finally:
        connection.close()


def test_an_operator_sees_the_flow_and_the_failing_recipient_without_reloading(
        ops: Ops, browser: BrowserContext, shared_dir: Path, tmp_path: Path) -> None:
    first, second = ops.workers
    page = browser.new_page()
    _sign_in(page, first, ops.operator)
    page.wait_for_url("**/ops")
    expect(page.get_by_role("heading", level=1)).to_have_text("Betrieb des Hubs")
    before = _trade_count(page)
    search = page.get_by_label("Vorgangsnummer, Nachrichten-ID oder Kennung")
    search.fill("halb getippt")  # what an operator is typing survives the refreshes

    sample = next((shared_dir / "samples" / "xgewerbeanzeige").glob("*abmeldung_viernheim*.xml"))
    sent = first.post(sample.read_bytes())
    assert sent.status == 202, sent.body
    case_id, message_id = sent.body["case_id"], sent.body["message_id"]

    failing = page.locator("#empfaenger tbody tr", has_text=FAILING)
    expect(failing).to_contain_text(FAILING_NAME, timeout=LIVE_MS)
    wait_for(lambda: _trade_count(page) >= before + 1, "the message among those of the last hour", timeout_s=60)
    cells = failing.locator("td").all_inner_texts()
    assert cells[0] == "Webhook" and int(cells[1]) >= 1 and cells[4] == "http.503", cells
    assert page.url.endswith("/ops") and search.input_value() == "halb getippt"
    assert "Unvollständig" not in page.content() and ops.operator not in page.content()

    screenshot = tmp_path / "ops.png"
    page.screenshot(path=str(screenshot), full_page=True)
    image = screenshot.read_bytes()
    assert image.startswith(PNG_SIGNATURE) and len(image) > 1000

    # the other worker shows the same recipient: whichever holds its lane, the other asks it
    page.goto(f"{second.base_url}/ops")
    expect(page.locator("#empfaenger tbody tr", has_text=FAILING)).to_contain_text("http.503", timeout=LIVE_MS)
    assert _trade_count(page) >= before + 1

    # the search by message id shows that message's steps, from the worker owning the case
    for hub in (second, first):
        page.goto(f"{hub.base_url}/ops")
        page.get_by_label("Vorgangsnummer, Nachrichten-ID oder Kennung").fill(message_id)
        page.get_by_role("button", name="Suchen").click()
        page.wait_for_url(f"**/ops/vorgang/{case_id}?nachricht=*")
        steps = page.locator("table.schritte tbody")
        expect(steps).to_contain_text("gescheitert (failed)", timeout=LIVE_MS)
        text = steps.inner_text()
        assert "eingegangen (received)" in text and "verteilt (routed)" in text and FAILING in text


def test_without_an_operator_token_the_page_is_refused(ops: Ops) -> None:
    hub = ops.workers[1]
    for path in ("/ops", "/ops/empfaenger", "/ops/suche?q=63%2FBV", "/ops/vorgang/unbekannt"):
        status, location, _ = _answer(hub, path)
        assert (status, location) == (303, "/ops/anmelden"), path
        for token, expected in (("kein-gueltiges-token", 401), (ops.clerk, 403), (ops.system, 403)):
            status, _, body = _answer(hub, path, token)
            assert status == expected, (path, expected)
            assert "Empfänger mit Fehlern" not in body and FAILING not in body
    status, _, body = _answer(hub, "/ops", ops.operator)  # scripts may send the operator token itself
    assert status == 200 and "Empfänger mit Fehlern" in body
    for builtin in ("/router/", "/table/cases/", "/table/lanes/", "/stats/", "/graph/"):
        for sent in (None, ops.operator, ops.system):
            assert _answer(hub, builtin, sent)[0] == 404, (builtin, sent and sent[:4])
    assert _answer(hub, "/")[0] == 401


def test_a_clerk_or_system_token_cannot_sign_in_and_logging_out_ends_the_session(ops: Ops,
                                                                                browser: BrowserContext) -> None:
    hub = ops.workers[0]
    page = browser.new_page()
    for token in (ops.clerk, ops.system):
        _sign_in(page, hub, token)
        expect(page.get_by_role("alert")).to_contain_text("kein Betriebszugang")
        assert token not in page.content()
        assert not [c for c in browser.cookies() if c["name"] == "ops"]
        page.goto(f"{hub.base_url}/ops")
        assert page.url.endswith("/ops/anmelden")

    _sign_in(page, hub, ops.operator)
    page.wait_for_url("**/ops")
    session = next(c for c in browser.cookies() if c["name"] == "ops")
    assert session["httpOnly"] and session["sameSite"] == "Strict" and session["path"] == "/ops"
    assert ops.operator not in session["value"]
    page.get_by_role("button", name="Abmelden").click()
    page.wait_for_url("**/ops/anmelden?abgemeldet")
    page.goto(f"{hub.base_url}/ops")
    assert page.url.endswith("/ops/anmelden")
