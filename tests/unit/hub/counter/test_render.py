"""The counter page's HTML from a citizen view: German dates, the handout's rows, links and escaping."""

from __future__ import annotations

from datetime import date
from html.parser import HTMLParser
from typing import Any

from hub.cases.citizen import CitizenView, Step
from hub.counter import render
from hub.counter.render import Clerk, Result

BAUAUFSICHT = "Kreis Bergstraße – Untere Bauaufsichtsbehörde"
ASKED = CitizenView(
    case_id="6f1c2a9e-0000-4000-8000-000000000001", procedure="Bauantrag Doppelgarage, Viernheim",
    status="Unterlagen nachgefordert", date="2026-10-16", authority=BAUAUFSICHT, deadline="2026-11-06",
    action="Bitte reichen Sie die nachgeforderten Unterlagen bis zum 2026-11-06 bei der Bauaufsicht ein.",
    steps=(Step(label="Bauantrag eingereicht", date="2026-10-05", authority=BAUAUFSICHT),
           Step(label="Unterlagen nachgefordert", date="2026-10-16", authority=BAUAUFSICHT, deadline="2026-11-06")))
CLERK = Clerk("Bürgerbüro Viernheim", ("Gemeindebauamt Viernheim",), "form-token-1")
HOSTILE = '<script>alert("x")</script>&"\''


class Text(HTMLParser):
    """The page's text and its elements, as a browser would read them."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def read(page: str) -> Text:
    parser = Text()
    parser.feed(page)
    return parser


def test_dates_read_as_german_dates() -> None:
    assert render.german_date("2026-11-20") == "20.11.2026"
    assert render.german_date("2026-11-20T09:30:00+00:00") == "20.11.2026"
    assert render.german_date("unbekannt") == "unbekannt"
    assert render.german_dates("bis zum 2026-11-06 und 2027-01-02.") == "bis zum 06.11.2026 und 02.01.2027."


def test_the_summary_names_the_file_number_status_date_authority_deadline_and_what_to_do() -> None:
    rows = dict(render.facts(ASKED, "63/BV/2026/01234", "63/bv/2026/01234 "))
    assert rows == {"Aktenzeichen": "63/BV/2026/01234", "Aktueller Stand": "Unterlagen nachgefordert",
                    "Stand vom": "16.10.2026", "Zuständige Behörde": BAUAUFSICHT, "Frist": "06.11.2026",
                    "Nächster Schritt": "Bitte reichen Sie die nachgeforderten Unterlagen bis zum 06.11.2026 bei "
                                        "der Bauaufsicht ein."}  # the search term is the Aktenzeichen: once


def test_without_a_file_number_the_summary_shows_what_was_searched_for_or_the_case() -> None:
    done = ASKED.model_copy(update={"deadline": None, "action": None, "authority": None})
    assert render.facts(done, None, "GA-2026-0815")[0] == ("Gesucht nach", "GA-2026-0815")
    rows = dict(render.facts(done, None, None))
    assert rows["Vorgangsnummer"] == ASKED.case_id and rows["Nächster Schritt"] == render.NOTHING_TO_DO
    assert "Frist" not in rows and "Zuständige Behörde" not in rows
    assert dict(render.facts(done, "63/BV/2026/01234", "a-referenz"))["Gesucht nach"] == "a-referenz"


def test_the_handout_has_the_issuer_todays_date_the_file_number_status_and_next_step() -> None:
    page = render.handout_page(ASKED, "Gemeindebauamt Viernheim", date(2026, 10, 20), "63/BV/2026/01234", None)
    text = " ".join(" ".join(read(page).text).split())
    assert text.index("Gemeindebauamt Viernheim") < text.index("Auskunft zum Stand Ihres Verfahrens")
    assert "Datum: 20.10.2026" in text and "Aktenzeichen 63/BV/2026/01234" in text
    assert "Aktueller Stand Unterlagen nachgefordert" in text and "Frist 06.11.2026" in text
    assert "16.10.2026 Unterlagen nachgefordert" in text
    assert 'lang="de"' in page and "Abmelden" not in page  # no session controls on the handout


def test_the_case_page_links_its_handout_and_the_search_with_the_reference_quoted() -> None:
    page = render.case_page(CLERK, ASKED, None, "63/BV/2026/01234 &x")
    links = [a["href"] for tag, a in read(page).tags if tag == "a"]
    assert f"/schalter/vorgang/{ASKED.case_id}/druck?ref=63%2FBV%2F2026%2F01234+%26x" in links
    assert "/schalter?ref=63%2FBV%2F2026%2F01234+%26x" in links
    assert ("input", {"type": "hidden", "name": "formular", "value": "form-token-1"}) in read(page).tags
    assert render.case_href("a/b?c", None) == "/schalter/vorgang/a%2Fb%3Fc"


def test_everything_rendered_is_escaped() -> None:
    hostile = ASKED.model_copy(update={"procedure": HOSTILE, "status": HOSTILE, "authority": HOSTILE,
                                       "steps": (Step(label=HOSTILE, date=HOSTILE, authority=HOSTILE),)})
    clerk = Clerk(HOSTILE, (HOSTILE,), HOSTILE)
    pages = [render.case_page(clerk, hostile, HOSTILE, HOSTILE),
             render.handout_page(hostile, HOSTILE, date(2026, 1, 1), HOSTILE, HOSTILE),
             render.search_page(clerk, HOSTILE, 200, error=HOSTILE,
                                results=[Result(HOSTILE, render.case_href(HOSTILE, HOSTILE), (HOSTILE,))]),
             render.login_page(HOSTILE, 8, notice=HOSTILE, error=HOSTILE),
             render.notice_page(HOSTILE, HOSTILE, clerk=clerk)]
    for page in pages:
        assert "<script" not in page and HOSTILE not in page
        assert "&lt;script&gt;" in page
        parsed = read(page)
        assert not [tag for tag, _ in parsed.tags if tag == "script"]
        assert any(HOSTILE in chunk for chunk in parsed.text) or any(HOSTILE in (v or "") for _, a in parsed.tags
                                                                   for v in a.values())


def test_forms_have_labels_and_the_token_field_is_a_password_field() -> None:
    login = read(render.login_page("t", 8))
    fields = {a["id"]: a for tag, a in login.tags if tag == "input" and a.get("id")}
    labels = {a["for"] for tag, a in login.tags if tag == "label"}
    assert fields["zugang"]["type"] == "password" and "zugang" in labels
    assert ("form", {"method": "post", "action": "/schalter/anmelden", "class": "formular"}) in login.tags
    search = read(render.search_page(CLERK, "", 200))
    assert "ref" in {a["for"] for tag, a in search.tags if tag == "label"}
    assert ("form", {"method": "get", "action": "/schalter", "class": "formular suche", "role": "search"}) \
        in search.tags


def test_a_search_hit_reads_as_the_kind_of_reference_and_its_authority() -> None:
    assert render.found_as("Aktenzeichen", BAUAUFSICHT) == f"Aktenzeichen ({BAUAUFSICHT})"
    assert render.found_as("gewerbebetriebID", None) == "Betriebsnummer"
    assert render.found_as("neu", None) == "neu"


def test_the_file_number_is_the_latest_message_s_and_the_issuer_one_of_the_clerks_authorities_involved() -> None:
    entries: list[dict[str, Any]] = [
        {"status": "received", "message_id": "m1", "author": "bap:06000000", "facts": {"reader": "bab:06431000"}},
        {"status": "routed", "message_id": "m1", "facts": {"aktenzeichen": "nicht von einem Eingang"}},
        {"status": "received", "message_id": "m2", "author": "bab:06431000",
         "facts": {"aktenzeichen": "63/BV/2026/01234"}},
        {"status": "delivered", "message_id": "m2", "recipient": "gba:06431002"}]
    assert render.file_number(entries) == "63/BV/2026/01234"
    assert render.file_number(entries[:1]) is None
    assert render.issuing_authority(("MELDID:06431002", "gba:06431002"), entries) == "gba:06431002"
    assert render.issuing_authority(("MELDID:06431002",), entries) == "MELDID:06431002"
