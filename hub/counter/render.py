"""The counter page's HTML, rendered from the citizen view: pure functions of their arguments.

Templates (`templates/`) are rendered with autoescaping, so every value is escaped once; links are built here
with their parts URL-quoted. Dates read as German dates (dd.mm.yyyy). The page shows what the citizen view shows
(ids, labels, dates, authority names) and the clerk's own sign-in, nothing else.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib.resources import files
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from hub.cases.access import parties
from hub.cases.citizen import CitizenView
from hub.cases.references import normalise

STYLESHEET = files("hub.counter").joinpath("static", "schalter.css").read_bytes()
_ISO_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
NOTHING_TO_DO = "Derzeit ist von Ihnen nichts zu tun."
NOT_FOUND = ("Zu diesem Suchbegriff ist kein Vorgang bekannt, an dem Ihre Behörde beteiligt ist. Prüfen Sie die "
             "Schreibweise oder fragen Sie nach einer anderen Kennung.")
FORM_EXPIRED = "Das Formular ist abgelaufen oder stammt nicht von dieser Seite. Bitte versuchen Sie es noch einmal."
UNKNOWN_ACCESS = "Dieser Zugang ist nicht bekannt. Prüfen Sie die Eingabe oder fragen Sie die IT Ihrer Behörde."
NOT_A_CLERK = ("Dieser Zugang ist kein Schalterzugang: Am Schalter melden sich nur Zugänge an, die die IT mit "
               "„hub token add --clerk“ für Ihre Behörde angelegt hat.")
# how a clerk calls the kinds of reference a search finds (hub.cases.references)
REFERENCE_KINDS = {
    "Aktenzeichen": "Aktenzeichen",
    "referenzAntragsservice": "Referenz des Antragsservice",
    "gemeindeMeldungNr": "Meldungsnummer der Gemeinde",
    "gewerbebetriebID": "Betriebsnummer",
    "nachrichtenUUID": "Nachrichten-ID",
    "identifikation.ereignis": "Kennung der Meldung",
    "zuordnung": "Zuordnung des Portals",
    "buchungsreferenz": "Buchungsreferenz",
}


@dataclass(frozen=True)
class Clerk:
    """Who is signed in, as the page header shows it, and the token of the logout form."""

    system: str
    authorities: tuple[str, ...]
    form_token: str


@dataclass(frozen=True)
class Result:
    """One case a search found: where to open it, and as what the reference was found (kind, authority name)."""

    case_id: str
    href: str
    found_as: tuple[str, ...]


def german_date(iso: str) -> str:
    """"2026-11-20" (or a timestamp starting so) → "20.11.2026"; anything else unchanged."""
    match = _ISO_DATE.match(iso)
    return f"{match[3]}.{match[2]}.{match[1]}" if match else iso


def german_dates(text: str) -> str:
    """Every ISO date inside `text` as a German date."""
    return _ISO_DATE.sub(lambda m: f"{m[3]}.{m[2]}.{m[1]}", text)


def found_as(kind: str, authority: str | None) -> str:
    """A search hit in words: "Aktenzeichen (Kreis Bergstraße – Untere Bauaufsichtsbehörde)"."""
    name = REFERENCE_KINDS.get(kind, kind)
    return f"{name} ({authority})" if authority else name


def case_href(case_id: str, ref: str | None, *, handout: bool = False) -> str:
    """The link to a case's page (or its handout), carrying the reference searched for."""
    path = f"/schalter/vorgang/{urllib.parse.quote(case_id, safe='')}" + ("/druck" if handout else "")
    return f"{path}?{urllib.parse.urlencode({'ref': ref})}" if ref else path


def search_href(ref: str | None) -> str:
    return f"/schalter?{urllib.parse.urlencode({'ref': ref})}" if ref else "/schalter"


def facts(view: CitizenView, file_number: str | None, ref: str | None) -> list[tuple[str, str]]:
    """The rows of a case's summary: its references, where it stands, since when, at which authority, what next."""
    rows = [("Aktenzeichen", file_number)] if file_number else []
    if ref and (not file_number or normalise(ref) != normalise(file_number)):
        rows.append(("Gesucht nach", ref))
    if not rows:
        rows.append(("Vorgangsnummer", view.case_id))
    rows += [("Aktueller Stand", view.status), ("Stand vom", german_date(view.date))]
    if view.authority:
        rows.append(("Zuständige Behörde", view.authority))
    if view.deadline:
        rows.append(("Frist", german_date(view.deadline)))
    rows.append(("Nächster Schritt", german_dates(view.action) if view.action else NOTHING_TO_DO))
    return rows


def file_number(entries: Sequence[Mapping[str, Any]]) -> str | None:
    """The case's Aktenzeichen, as its latest message carrying one names it."""
    numbers = [e["facts"]["aktenzeichen"] for e in entries
               if e.get("status") == "received" and e.get("facts", {}).get("aktenzeichen")]
    return str(numbers[-1]) if numbers else None


def issuing_authority(authorities: Sequence[str], entries: Sequence[Mapping[str, Any]]) -> str:
    """Which of the clerk's authorities hands the case out: the first that took part in it."""
    involved = set().union(*parties(entries).values())
    return next((a for a in authorities if a in involved), authorities[0])


@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = Environment(loader=PackageLoader("hub.counter", "templates"), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["datum"] = german_date
    return env


def _render(template: str, **values: object) -> str:
    return _environment().get_template(template).render(**values)


def login_page(form_token: str, hours: int, *, notice: str | None = None, error: str | None = None) -> str:
    return _render("anmelden.html", title="Anmelden", form_token=form_token, hours=hours, notice=notice, error=error)


def search_page(clerk: Clerk, ref: str, max_reference: int, *, error: str | None = None,
                results: Sequence[Result] = ()) -> str:
    title = f"Suche nach {ref}" if ref else "Vorgang suchen"
    return _render("suche.html", title=title, clerk=clerk, ref=ref, max_reference=max_reference, error=error,
                   results=results)


def case_page(clerk: Clerk, view: CitizenView, file_number: str | None, ref: str | None) -> str:
    return _render("vorgang.html", title=view.procedure, clerk=clerk, view=view, facts=facts(view, file_number, ref),
                   ref=ref, search_href=search_href(ref), print_href=case_href(view.case_id, ref, handout=True))


def handout_page(view: CitizenView, issuer: str, today: date, file_number: str | None, ref: str | None) -> str:
    """The A4 handout: the issuing authority, today's date, the case's references, status and next step."""
    return _render("druck.html", title=f"Auskunft: {view.procedure}", body_class="druck", view=view, issuer=issuer,
                   today=today.strftime("%d.%m.%Y"), facts=facts(view, file_number, ref), file_number=file_number,
                   back_href=case_href(view.case_id, ref))


def notice_page(title: str, detail: str, *, clerk: Clerk | None = None, next_href: str = "/schalter",
                next_label: str = "Zur Suche") -> str:
    """A refusal or a failure in words, with the way on."""
    return _render("hinweis.html", title=title, detail=detail, clerk=clerk, next_href=next_href,
                   next_label=next_label)
