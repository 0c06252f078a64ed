"""What an XBau message tells the applicant beyond its status code: the deadline it sets (`frist`, e.g. for
documents asked for) and what the project is (`bezeichnungDesBauvorhabens` of the application)."""

from __future__ import annotations

from datetime import date

from lxml import etree

DEADLINE = "frist"
PROJECT = "vorhaben"
_PATHS = {
    DEADLINE: "./*[local-name()='frist']",
    PROJECT: "./*[local-name()='bauvorhaben']/*[local-name()='bezeichnungDesBauvorhabens']",
}


def citizen_facts(root: etree._Element) -> dict[str, str]:
    """The deadline (an ISO date, only when it is one) and the project's name, where the message carries them."""
    facts: dict[str, str] = {}
    for name, path in _PATHS.items():
        found = root.xpath(path)
        value = found[0].text.strip() if isinstance(found, list) and found and isinstance(found[0], etree._Element) \
            and found[0].text else None
        if not value:
            continue
        if name == DEADLINE:
            try:
                value = date.fromisoformat(value[:10]).isoformat()
            except ValueError:
                continue  # not a date: nothing the applicant could rely on
        facts[name] = " ".join(value.split())
    return facts
