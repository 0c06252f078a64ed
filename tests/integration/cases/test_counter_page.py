"""The counter page in a real browser (Debian's headless Chromium) on two workers of one deployment.

A clerk signs in with the clerk token, searches by the Aktenzeichen after the seven XBau samples, finds the case,
and prints the handout to PDF, whose text names the Aktenzeichen and the status. Without signing in the page
refuses; a clerk of Viernheim finds nothing; a system token cannot sign in. Both workers serve every page, so each
request is answered once by the worker owning the case and once forwarded to it.
"""

from __future__ import annotations

import io
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page
from pypdf import PdfReader

from tests.support.hub_process import RunningHub, new_config, operator_token, two_workers

pytestmark = pytest.mark.integration
AKTENZEICHEN = "63/BV/2026/01234"  # the file number the 1121 sample announces
ISSUER = "Gemeindebauamt Bensheim, Stadt"  # the directory's name of gba:06431002, the clerk's authority
STATUS = "Bescheid erteilt"  # the last sample's status (1170 code 10)
SCREENSHOTS = Path(tempfile.gettempdir()) / "schalter-screenshots"  # for a person to look at; not kept in the repo


@dataclass
class Desk:
    workers: tuple[RunningHub, RunningHub]
    bensheim: str  # clerk tokens
    viernheim: str
    system: str  # an all-cases system token, not a clerk's
    case_id: str


@pytest.fixture(scope="module")
def desk(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory, shared_dir: Path) -> Iterator[Desk]:
    config = new_config(kafka_bootstrap, tmp_path_factory)
    bensheim = config.add_token("Bürgerbüro Bensheim", ("gba:06431002",), clerk=True)
    viernheim = config.add_token("Bürgerbüro Viernheim", ("gba:06431020", "MELDID:06431020"), clerk=True)
    system = operator_token(config)
    with two_workers(config, tmp_path_factory, system) as (first, second):
        messages = sorted((shared_dir / "samples" / "xbau").glob("*.xml"))
        assert len(messages) == 7
        case_ids = {first.post(p.read_bytes()).body["case_id"] for p in messages}
        assert len(case_ids) == 1
        case_id = case_ids.pop()
        first.wait_for_timeline(case_id, lambda t: sum(1 for e in t if e["status"] == "routed") == len(messages))
        yield Desk((first, second), bensheim, viernheim, system, case_id)


def _sign_in(page: Page, hub: RunningHub, token: str) -> None:
    page.goto(f"{hub.base_url}/schalter")
    assert page.url.endswith("/schalter/anmelden")
    page.get_by_label("Schalterzugang (Token)").fill(token)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url("**/schalter")


def _tab_to(page: Page, element_id: str, limit: int = 15) -> None:
    """Move the focus with the Tab key alone until the element has it; fail if it is not reachable."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
    raise AssertionError(f"#{element_id} is not reachable with the keyboard")


def _keep_screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def _pdf_text(pdf: bytes) -> str:
    return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages)


def test_a_clerk_finds_the_case_by_its_aktenzeichen_and_prints_the_handout(desk: Desk,
                                                                           browser: BrowserContext) -> None:
    page = browser.new_page()
    first, second = desk.workers
    _sign_in(page, first, desk.bensheim)
    _tab_to(page, "ref")  # keyboard only: to the search field, type, Enter
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "the focused field shows no focus"
    page.keyboard.type(AKTENZEICHEN)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/schalter/vorgang/{desk.case_id}?*")
    assert "Bensheim" in page.get_by_role("heading", level=1).inner_text()
    summary = page.locator("dl.angaben").inner_text()
    assert AKTENZEICHEN in summary and STATUS in summary and "20.11.2026" in summary
    assert "Kreis Bergstraße – Untere Bauaufsichtsbehörde" in summary
    _keep_screenshot(page, "vorgang")

    page.get_by_role("link", name="Druckansicht").click()
    page.wait_for_url(f"**/schalter/vorgang/{desk.case_id}/druck?*")
    _keep_screenshot(page, "druck")
    pdf = page.pdf(format="A4", print_background=False)
    (SCREENSHOTS / "druck.pdf").write_bytes(pdf)
    text = _pdf_text(pdf)
    assert AKTENZEICHEN in text and STATUS in text, text
    assert text.startswith(ISSUER), text  # the letterhead: the clerk's authority that took part
    assert "Drucken Sie diese Seite" not in text  # the screen's hints are not printed

    # the same session on the other worker: it forwards to whichever worker owns the reference and the case
    for hub in (first, second):
        page.goto(f"{hub.base_url}/schalter?{urllib.parse.urlencode({'ref': AKTENZEICHEN})}")
        page.wait_for_url(f"**/schalter/vorgang/{desk.case_id}?*")
        assert STATUS in page.locator("dl.angaben").inner_text()


def test_without_signing_in_the_page_refuses(desk: Desk, browser: BrowserContext) -> None:
    page = browser.new_page()
    for path in ("/schalter", f"/schalter?ref={urllib.parse.quote(AKTENZEICHEN, safe='')}",
                 f"/schalter/vorgang/{desk.case_id}", f"/schalter/vorgang/{desk.case_id}/druck"):
        page.goto(f"{desk.workers[1].base_url}{path}")
        assert page.url.endswith("/schalter/anmelden"), path
        assert page.get_by_role("heading", level=1).inner_text() == "Anmelden"
        assert AKTENZEICHEN not in page.content() and STATUS not in page.content()


def test_a_clerk_of_viernheim_finds_nothing_for_the_bensheim_case(desk: Desk, browser: BrowserContext) -> None:
    page = browser.new_page()
    _sign_in(page, desk.workers[0], desk.viernheim)
    page.get_by_label("Aktenzeichen oder Referenz").fill(AKTENZEICHEN)
    page.get_by_role("button", name="Suchen").click()
    page.wait_for_load_state()
    assert "kein Vorgang bekannt" in page.get_by_role("alert").inner_text()
    _keep_screenshot(page, "nichts-gefunden")
    assert "/vorgang/" not in page.url
    for hub in desk.workers:  # nor does the case open by its id, on either worker
        answer = page.goto(f"{hub.base_url}/schalter/vorgang/{desk.case_id}")
        assert answer is not None and answer.status == 403
        assert STATUS not in page.content()


def test_a_system_token_cannot_sign_in_and_logging_out_ends_the_session(desk: Desk,
                                                                         browser: BrowserContext) -> None:
    page = browser.new_page()
    page.goto(f"{desk.workers[0].base_url}/schalter/anmelden")
    page.get_by_label("Schalterzugang (Token)").fill(desk.system)
    page.get_by_role("button", name="Anmelden").click()
    assert "kein Schalterzugang" in page.get_by_role("alert").inner_text()
    _keep_screenshot(page, "anmelden-abgelehnt")
    assert desk.system not in page.content()
    assert not [c for c in browser.cookies() if c["name"] == "schalter"]

    _sign_in(page, desk.workers[0], desk.bensheim)
    session = next(c for c in browser.cookies() if c["name"] == "schalter")
    assert session["httpOnly"] and session["sameSite"] == "Strict" and session["path"] == "/schalter"
    assert desk.bensheim not in session["value"]
    page.get_by_role("button", name="Abmelden").click()
    page.wait_for_url("**/schalter/anmelden?abgemeldet")
    assert "abgemeldet" in page.get_by_role("status").inner_text()
    page.goto(f"{desk.workers[0].base_url}/schalter/vorgang/{desk.case_id}")
    assert page.url.endswith("/schalter/anmelden")


def test_every_answer_carries_the_security_headers_and_a_login_without_its_form_token_is_refused(
        desk: Desk) -> None:
    base = desk.workers[0].base_url
    with urllib.request.urlopen(f"{base}/schalter/anmelden", timeout=30) as login:
        headers = login.headers
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "script-src" not in headers["Content-Security-Policy"]  # default-src 'none': no script at all
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["Referrer-Policy"] == "no-referrer"
    cookie = headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/schalter" in cookie
    forged = urllib.request.Request(f"{base}/schalter/anmelden", method="POST",
                                    data=urllib.parse.urlencode({"zugang": desk.bensheim}).encode(),
                                    headers={"Content-Type": "application/x-www-form-urlencoded"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(forged, timeout=30)
    refused.value.close()
    assert refused.value.code == 400
    assert not [c for c in refused.value.headers.get_all("Set-Cookie") or [] if c.startswith("schalter=")]
    assert refused.value.headers["Content-Security-Policy"].startswith("default-src 'none'")
