"""Plain German labels the citizen portal shows for each step of a building application."""

from __future__ import annotations

from connectors.building.model import XBauNachricht

# Message kinds the portal shows and how it words them; status messages (1170) take the codelist's label.
LABELS_BY_KIND = {
    "baugenehmigung.antrag": "Bauantrag eingereicht",
    "prozessnachrichten.eingangsbestaetigung": "Eingang des Antrags bestätigt",
    "prozessnachrichten.aktenzeichen": "Aktenzeichen vergeben",
    "baugenehmigung.bescheid": "Bescheid erlassen",
}


def portal_label(nachricht: XBauNachricht) -> str | None:
    """The label of this message for the portal's timeline, or None when the portal shows nothing for it."""
    if nachricht.status is not None:
        return nachricht.status.label
    label = LABELS_BY_KIND.get(nachricht.kind)
    if label and nachricht.kind == "prozessnachrichten.aktenzeichen" and nachricht.aktenzeichen:
        return f"{label}: {nachricht.aktenzeichen}"
    return label
