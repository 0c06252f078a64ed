"""The operator page's HTML, rendered from its figures (`overview.Overview`) and a case's trace: pure functions of
their arguments.

Templates (`templates/`) are rendered with autoescaping, so every value is escaped once; links are built here with
their parts URL-quoted. Times read as German local times. The page shows ids, recipient keys and names of
authorities, reason codes and counts, and who is signed in; never message content, personal data or tokens.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from functools import lru_cache
from importlib.resources import files
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, select_autoescape

from hub.cases.references import MESSAGE_ID, Hit
from hub.cases.trace import TraceLine
from hub.counter.render import found_as
from hub.ops.overview import WINDOW_S, Overview

STYLESHEET = files("hub.ops").joinpath("static", "ops.css").read_bytes()
SCRIPT = files("hub.ops").joinpath("static", "ops.js").read_bytes()
LOCAL_TIME = ZoneInfo("Europe/Berlin")
STAGES = {  # a step's stage as an operator reads it; the code stays beside it
    "received": "eingegangen", "validated": "geprüft", "routed": "verteilt", "delivered": "zugestellt",
    "accepted": "angenommen", "failed": "gescheitert", "rejected": "abgelehnt", "parked": "geparkt",
}
CHANNELS = {"inbox": "Postfach", "webhook": "Webhook", "folder": "Ordner", "kafka": "Kafka-Topic",
            "unknown": "unbekannt"}
FORM_EXPIRED = "Das Formular ist abgelaufen oder stammt nicht von dieser Seite. Bitte versuchen Sie es noch einmal."
UNKNOWN_ACCESS = "Dieser Zugang ist nicht bekannt. Prüfen Sie die Eingabe."
NOT_AN_OPERATOR = ("Dieser Zugang ist kein Betriebszugang: Hier melden sich nur Zugänge an, die mit "
                   "„hub token add --operator“ angelegt wurden.")


@dataclass(frozen=True)
class Operator:
    """Who is signed in, as the header shows it; `form_token` for the logout form, None without a session."""

    system: str
    form_token: str | None


@dataclass(frozen=True)
class CaseLink:
    """One case a search found: where its steps are shown, and as what the search term was found."""

    case_id: str
    href: str
    found_as: tuple[str, ...]


def local_time(value: datetime | str | None, zone: tzinfo = LOCAL_TIME) -> str:
    """A time (or ISO timestamp) as "20.11.2026 09:30:00" in German local time; "–" for none."""
    if value is None:
        return "–"
    at = datetime.fromisoformat(value) if isinstance(value, str) else value
    return at.astimezone(zone).strftime("%d.%m.%Y %H:%M:%S")


def number(value: int) -> str:
    """A count with German digit grouping: 12345 → "12.345"."""
    return f"{value:,}".replace(",", ".")


def stage(code: str) -> str:
    return f"{STAGES[code]} ({code})" if code in STAGES else code


def case_href(case_id: str, message_id: str | None = None) -> str:
    path = f"/ops/vorgang/{urllib.parse.quote(case_id, safe='')}"
    return f"{path}?{urllib.parse.urlencode({'nachricht': message_id})}" if message_id else path


def case_links(value: str, hits: Sequence[Hit]) -> list[CaseLink]:
    """The cases of a search's hits in their order, each linked to its steps (only the message's, when the search
    term is a message id)."""
    links = []
    for case_id in dict.fromkeys(h.case_id for h in hits):
        mine = [h for h in hits if h.case_id == case_id]
        message = value if any(h.kind == MESSAGE_ID for h in mine) else None
        links.append(CaseLink(case_id, case_href(case_id, message),
                              tuple(found_as(h.kind, h.authority) for h in mine)))
    return links


@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = Environment(loader=PackageLoader("hub.ops", "templates"), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters.update(zeit=local_time, zahl=number, schritt=stage, kanal=lambda c: CHANNELS.get(c, c))
    return env


def _render(template: str, **values: object) -> str:
    return _environment().get_template(template).render(**values)


def overview_page(operator: Operator, view: Overview, refresh_s: int, max_query: int) -> str:
    return _render("uebersicht.html", title="Übersicht", operator=operator, view=view, refresh_s=refresh_s,
                   since=view.at - timedelta(seconds=WINDOW_S), query="", max_query=max_query)


def trace_page(operator: Operator, case_id: str, message_id: str | None, lines: Sequence[TraceLine], at: datetime,
               refresh_s: int, max_query: int) -> str:
    title = f"Vorgang {case_id}" + (f", Nachricht {message_id}" if message_id else "")
    return _render("vorgang.html", title=title, operator=operator, case_id=case_id, message_id=message_id,
                   lines=lines, at=at, refresh_s=refresh_s, query=message_id or case_id, max_query=max_query,
                   all_href=case_href(case_id) if message_id else None)


def cases_page(operator: Operator, query: str, links: Sequence[CaseLink], max_query: int) -> str:
    return _render("treffer.html", title=f"Suche nach {query}", operator=operator, query=query, links=links,
                   max_query=max_query)


def login_page(form_token: str, hours: int, *, notice: str | None = None, error: str | None = None) -> str:
    return _render("anmelden.html", title="Anmelden", operator=None, form_token=form_token, hours=hours,
                   notice=notice, error=error)


def notice_page(title: str, detail: str, *, operator: Operator | None = None) -> str:
    """A refusal or a failure in words, with the way back to the overview."""
    return _render("hinweis.html", title=title, detail=detail, operator=operator)
