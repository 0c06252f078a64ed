"""Sealed session cookies and form tokens: any worker with the same tokens file verifies them; nothing else does."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from hub.auth.sessions import CLOCK_SKEW_S, FORM_LIFETIME_S, SESSION_LIFETIME_S, Sessions
from hub.auth.tokens import Grant, TokenStore, digest

NOW = 1_790_000_000.0
CLERK = Grant(system="Bürgerbüro Bensheim", sha256=digest("clerk-token"), authorities=("gba:06431002",), clerk=True)
PORTAL = Grant(system="Bauportal", sha256=digest("portal-token"), authorities=("bap:06000000",), all_cases=True)
OTHER_CLERK = Grant(system="Bürgerbüro Viernheim", sha256=digest("other"), authorities=("gba:06431020",), clerk=True)


class Clock:
    def __init__(self, now: float = NOW) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def sessions(grants: list[Grant], clock: Clock, purpose: str = "schalter") -> Sessions:
    return Sessions(TokenStore(grants), purpose, admits=lambda g: g.clerk, clock=clock)


def test_a_session_issued_by_one_worker_is_verified_by_another_reading_the_same_tokens() -> None:
    clock = Clock()
    value = sessions([CLERK, PORTAL], clock).issue(CLERK)
    other_worker = sessions([PORTAL, CLERK], clock)  # the same file: the order of entries does not matter
    assert other_worker.verify(value) == CLERK
    assert "clerk-token" not in value and CLERK.sha256 not in value  # neither the token nor its stored hash


def test_a_session_ends_at_its_expiry() -> None:
    clock = Clock()
    desk = sessions([CLERK], clock)
    value = desk.issue(CLERK)
    clock.now = NOW + SESSION_LIFETIME_S - 1
    assert desk.verify(value) == CLERK
    clock.now = NOW + SESSION_LIFETIME_S
    assert desk.verify(value) is None


@pytest.mark.parametrize("tamper", [
    lambda v: v.replace(v.split(".")[1], str(int(v.split(".")[1]) + 3600)),  # a later expiry
    lambda v: v[:-1] + ("0" if v[-1] != "0" else "1"),  # another mac
    lambda v: v + ".x", lambda v: "", lambda v: "a.b.c", lambda v: "ä.1.ö", lambda v: v.split(".", 1)[1],
])
def test_a_forged_or_malformed_value_verifies_nobody(tamper: Callable[[str], str]) -> None:
    desk = sessions([CLERK], Clock())
    value = desk.issue(CLERK)
    assert desk.verify(tamper(value)) is None
    assert desk.verify(None) is None


def test_a_worker_whose_clock_runs_a_little_ahead_issues_sessions_the_others_accept() -> None:
    value = sessions([CLERK], Clock(NOW + 60)).issue(CLERK)
    assert sessions([CLERK], Clock(NOW)).verify(value) == CLERK


def test_a_value_claiming_more_than_the_lifetime_is_refused_even_with_the_right_key() -> None:
    value = sessions([CLERK], Clock(NOW + CLOCK_SKEW_S + 1)).issue(CLERK)
    assert sessions([CLERK], Clock(NOW)).verify(value) is None


def test_another_tokens_file_or_purpose_or_a_revoked_token_ends_the_session() -> None:
    clock = Clock()
    value = sessions([CLERK, OTHER_CLERK], clock).issue(CLERK)
    assert sessions([CLERK], clock).verify(value) is None  # the file changed: another key
    assert sessions([CLERK, OTHER_CLERK], clock, purpose="ops").verify(value) is None
    assert sessions([OTHER_CLERK], clock).verify(value) is None


def test_only_admitted_grants_get_a_session() -> None:
    desk = sessions([CLERK, PORTAL], Clock())
    with pytest.raises(ValueError, match="may not open a session"):
        desk.issue(PORTAL)
    unknown = Grant(system="Fremd", sha256=digest("fremd"), clerk=True)
    with pytest.raises(ValueError):
        desk.issue(unknown)


def test_the_login_form_token_belongs_to_its_nonce_and_expires_with_it() -> None:
    clock = Clock()
    desk = sessions([CLERK], clock)
    nonce = desk.login_nonce()
    token = desk.login_token(nonce)
    assert desk.login_ok(nonce, token)
    assert sessions([CLERK], clock).login_ok(nonce, token)  # any worker
    assert not desk.login_ok(desk.login_nonce(), token)  # another browser's cookie
    assert not desk.login_ok(nonce, None) and not desk.login_ok(None, token) and not desk.login_ok(nonce, "ü")
    assert not desk.login_ok("9999999999999." + nonce.split(".", 1)[1], token)
    clock.now = NOW + FORM_LIFETIME_S + 1
    assert not desk.login_ok(nonce, token)


def test_a_form_within_a_session_needs_the_token_of_that_session() -> None:
    desk = sessions([CLERK, OTHER_CLERK], Clock())
    mine, theirs = desk.issue(CLERK), desk.issue(OTHER_CLERK)
    assert desk.form_ok(mine, desk.form_token(mine))
    assert not desk.form_ok(mine, desk.form_token(theirs))
    assert not desk.form_ok(None, desk.form_token(mine)) and not desk.form_ok(mine, "")
