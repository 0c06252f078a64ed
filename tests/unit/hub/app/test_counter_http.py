"""The counter page's answers: security headers on every one, and cookies that stay on /schalter."""

from __future__ import annotations

from aiohttp.test_utils import make_mocked_request

from hub.app.counter_http import SESSION_COOKIE, answer, drop_cookie, redirect, set_cookie


def test_every_answer_forbids_scripts_framing_sniffing_referrers_and_caching() -> None:
    for response in (answer("<p>x</p>"), answer(b"body{}", content_type="text/css"), redirect("/schalter")):
        policy = response.headers["Content-Security-Policy"]
        assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
        assert "script-src" not in policy and "unsafe-inline" not in policy
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert response.headers["Cache-Control"] == "no-store"
    assert answer("<p>ä</p>").content_type == "text/html" and answer("<p>ä</p>").charset == "utf-8"
    moved = redirect("/schalter/anmelden")
    assert moved.status == 303 and moved.headers["Location"] == "/schalter/anmelden"


def test_the_cookie_is_httponly_strict_on_schalter_and_secure_behind_https() -> None:
    plain = make_mocked_request("GET", "/schalter/anmelden")
    behind_tls = make_mocked_request("GET", "/schalter/anmelden", headers={"X-Forwarded-Proto": "https"})
    for request, secure in ((plain, False), (behind_tls, True)):
        response = answer("")
        set_cookie(response, request, SESSION_COOKIE, "v", 60)
        morsel = response.cookies[SESSION_COOKIE]
        assert morsel["httponly"] and morsel["samesite"] == "Strict" and morsel["path"] == "/schalter"
        assert morsel["max-age"] == "60" and bool(morsel["secure"]) is secure
    gone = answer("")
    drop_cookie(gone, plain, SESSION_COOKIE)
    assert gone.cookies[SESSION_COOKIE]["max-age"] == "0" and gone.cookies[SESSION_COOKIE]["path"] == "/schalter"
