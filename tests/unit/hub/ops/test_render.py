"""The operator page's HTML from its figures: German sections, the failing recipient's row, flows, escaping, the
in-place refresh, and a case's steps in local time."""

from __future__ import annotations

from datetime import UTC, datetime
from html.parser import HTMLParser

from hub.cases.references import Hit
from hub.cases.trace import TraceLine
from hub.ops import render
from hub.ops.overview import FailingRecipient, Flow, Overview, ParkedReason
from hub.ops.render import Operator
from monitoring.lag import TopicLag

AT = datetime(2026, 12, 1, 9, 0, 5, tzinfo=UTC)  # 10:00:05 in Germany (CET)
HOSTILE = '<script>alert("x")</script>&"\''
OPERATOR = Operator("IT-Betrieb Kreis", "form-token-1")
FAILING = FailingRecipient(recipient="xga:06431000", name="Kreis Bergstraße – Gewerbeaufsicht", channel="webhook",
                           failures=3, retry_waiting=2, last_success=None,
                           last_failure=datetime(2026, 12, 1, 8, 59, tzinfo=UTC), last_error="http.503")
VIEW = Overview(at=AT, kafka_up=True,
                flows=(Flow(("XGewerbeanzeige", "XGewerbeordnung"), "t.trade.ingest", 12345),
                       Flow(("XBau",), "t.building.ingest", 0)),
                failing=(FAILING,), missing=(), workers=2,
                parked=(ParkedReason("xml.malformed", 4, 2),),
                lag=(TopicLag("hub-app", "t.trade.ingest", 17, 3, 11), TopicLag("hub-app", "t.hub.status", 0, 0, 0)))


class Page(HTMLParser):
    """The page's text, its elements, and the cells of each table row, as a browser would read them."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.rows: list[list[str]] = []
        self.script_text: list[str] = []
        self._cells: list[list[str]] | None = None
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "tr":
            self._cells = []
        elif tag in ("td", "th") and self._cells is not None:
            self._cells.append([])
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        if tag == "tr" and self._cells is not None:
            self.rows.append([" ".join(" ".join(cell).split()) for cell in self._cells])
            self._cells = None
        self._in_script = False

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._cells:
            self._cells[-1].append(data)
        if self._in_script:
            self.script_text.append(data)

    def row(self, first: str) -> list[str]:
        """The cells of the one row whose first cell reads `first`."""
        found = [r for r in self.rows if r and r[0] == first]
        assert len(found) == 1, (first, self.rows)
        return found[0]

    @property
    def words(self) -> str:
        return " ".join(" ".join(self.text).split())


def read(page: str) -> Page:
    parser = Page()
    parser.feed(page)
    return parser


def test_the_overview_shows_every_section_in_german_with_the_figures() -> None:
    page = read(render.overview_page(OPERATOR, VIEW, 15, 200))
    for heading in ("Nachrichten der letzten Stunde", "Empfänger mit Fehlern", "Geparkte Nachrichten nach Grund",
                    "Verzögerung (Lag)", "Vorgang suchen"):
        assert heading in page.words, heading
    assert page.row("XGewerbeanzeige, XGewerbeordnung") == ["XGewerbeanzeige, XGewerbeordnung", "t.trade.ingest",
                                                            "12.345"]
    assert page.row("XBau")[2] == "0"
    recipient = page.row("xga:06431000 Kreis Bergstraße – Gewerbeaufsicht")
    assert recipient[1:] == ["Webhook", "3", "2", "01.12.2026 09:59:00", "http.503", "–"]
    assert page.row("xml.malformed")[1:3] == ["4", "2"]
    assert page.row("t.trade.ingest") == ["t.trade.ingest", "hub-app", "17", "Partition 3: 11"]
    assert page.row("t.hub.status")[2:] == ["0", "–"]
    assert "Stand 01.12.2026 10:00:05" in page.words and "Angemeldet: IT-Betrieb Kreis" in page.words
    assert "Kafka antwortet nicht" not in page.words and "Unvollständig" not in page.words
    assert "aus den zustellspuren von 2 workern" in page.words.casefold()


def test_the_page_refreshes_in_place_with_its_own_script_only() -> None:
    page = read(render.overview_page(OPERATOR, VIEW, 12, 200))
    scripts = [attrs for tag, attrs in page.tags if tag == "script"]
    assert scripts == [{"src": "/ops/ops.js", "defer": None}] and not "".join(page.script_text).strip()
    region = next(attrs for tag, attrs in page.tags if attrs.get("id") == "stand")
    assert region["data-aktualisieren"] == "12"
    search = next(attrs for tag, attrs in page.tags if attrs.get("id") == "q")
    assert search["name"] == "q" and search["maxlength"] == "200"
    assert ("form", {"method": "get", "action": "/ops/suche", "class": "formular suche", "role": "search"}) in page.tags
    assert b"data-aktualisieren" in render.SCRIPT and b"replaceChildren" in render.SCRIPT


def test_a_kafka_outage_and_unreported_partitions_are_said_and_empty_sections_read_as_good_news() -> None:
    down = Overview(at=AT, kafka_up=False, flows=None, failing=(), missing=(2, 5), workers=1, parked=None, lag=None)
    words = read(render.overview_page(OPERATOR, down, 15, 200)).words
    assert "Kafka antwortet nicht" in words and "Unvollständig: Für die Partitionen 2, 5" in words
    assert "Alle Empfänger mit Webhook oder Ordner werden beliefert" in words
    calm = Overview(at=AT, kafka_up=True, flows=(), failing=(), missing=(), workers=1, parked=(), lag=())
    assert "Keine geparkten Nachrichten" in read(render.overview_page(OPERATOR, calm, 15, 200)).words


def test_every_value_is_escaped() -> None:
    hostile = FailingRecipient(recipient=HOSTILE, name=HOSTILE, channel=HOSTILE, failures=1, retry_waiting=0,
                               last_success=None, last_failure=None, last_error=HOSTILE)
    view = Overview(at=AT, kafka_up=True, flows=(Flow((HOSTILE,), HOSTILE, 1),), failing=(hostile,), missing=(),
                    workers=1, parked=(ParkedReason(HOSTILE, 1, 1),), lag=(TopicLag(HOSTILE, HOSTILE, 1, 0, 1),))
    html = render.overview_page(Operator(HOSTILE, HOSTILE), view, 15, 200)
    assert "<script>alert" not in html and "&lt;script&gt;alert(&#34;x&#34;)" in html
    trace = render.trace_page(OPERATOR, HOSTILE, HOSTILE, [TraceLine(at=AT.isoformat(), stage=HOSTILE,
                                                                     outcome=HOSTILE)], AT, 15, 200)
    assert "<script>alert" not in trace
    assert "<script>alert" not in render.notice_page(HOSTILE, HOSTILE) and "<script>alert" not in \
        render.cases_page(OPERATOR, HOSTILE, render.case_links(HOSTILE, [Hit(case_id=HOSTILE, kind="x")]), 200)


def test_a_case_shows_its_steps_in_german_local_time_with_record_recipient_and_outcome() -> None:
    lines = [TraceLine(at="2026-12-01T09:00:00+00:00", stage="received", message_id="m-1", message_type="0300",
                       record="t.trade.ingest[2]@41"),
             TraceLine(at="2026-12-01T09:00:07.250000+00:00", stage="failed", message_id="m-1",
                       recipient="xga:06431000", channel="webhook", attempt=3, outcome="HTTP 503")]
    page = read(render.trace_page(OPERATOR, "c-1", None, lines, AT, 15, 200))
    assert page.row("01.12.2026 10:00:00")[1:4] == ["eingegangen (received)", "0300 m-1", "t.trade.ingest[2]@41"]
    assert page.row("01.12.2026 10:00:07")[1:] == ["gescheitert (failed)", "m-1", "–", "xga:06431000", "Webhook",
                                                   "3", "HTTP 503"]
    assert "Vorgang c-1" in page.words
    one = read(render.trace_page(OPERATOR, "c-1", "m-2", [], AT, 15, 200))
    assert "Nur die Schritte der Nachricht m-2" in one.words and "keinen Schritt" in one.words
    assert ("a", {"href": "/ops/vorgang/c-1"}) in one.tags


def test_search_hits_link_each_case_and_a_message_id_to_its_own_steps() -> None:
    hits = [Hit(case_id="case/1", kind="Aktenzeichen", authority="bab:06431000"),
            Hit(case_id="case/1", kind="gewerbebetriebID"), Hit(case_id="c 2", kind="nachrichtenUUID")]
    links = render.case_links("ABC-1", hits)
    assert [(link.case_id, link.href) for link in links] == [("case/1", "/ops/vorgang/case%2F1"),
                                                             ("c 2", "/ops/vorgang/c%202?nachricht=ABC-1")]
    assert links[0].found_as == ("Aktenzeichen (bab:06431000)", "Betriebsnummer")
    assert render.number(1234567) == "1.234.567" and render.local_time(None) == "–"


def test_the_login_form_carries_its_token_and_says_which_access_it_takes() -> None:
    page = read(render.login_page("tok-1", 8, error=render.NOT_AN_OPERATOR))
    assert ("input", {"type": "hidden", "name": "formular", "value": "tok-1"}) in page.tags
    assert "hub token add --operator" in page.words and "kein Betriebszugang" in page.words
    assert not [attrs for tag, attrs in page.tags if tag == "script"]  # nothing refreshes the login
