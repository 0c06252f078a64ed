"""Signatures of deliveries: FIT-Connect's HMAC-SHA512 over "timestamp." + body, checked strictly."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from hub.delivery.signing import (
    HEADER_CASE_ID,
    HEADER_IDEMPOTENCY_KEY,
    HEADER_MESSAGE_ID,
    HEADER_SIGNATURE,
    HEADER_TIMESTAMP,
    idempotency_key,
    sign,
    signed_headers,
    verify,
)

SECRET = b"0123456789abcdef0123456789abcdef-ihk"
BODY = "<xga:nachricht>Gewerbeanmeldung Müller</xga:nachricht>".encode()
NOW = 1_760_000_000


def headers_for(body: bytes = BODY, now: int = NOW) -> dict[str, str]:
    return signed_headers(SECRET, body, message_id="m-1", case_id="c-1", idempotency_key="k-1", now=now)


def test_header_names_are_fit_connects_and_the_hubs() -> None:
    assert (HEADER_SIGNATURE, HEADER_TIMESTAMP) == ("callback-authentication", "callback-timestamp")
    assert (HEADER_MESSAGE_ID, HEADER_CASE_ID, HEADER_IDEMPOTENCY_KEY) == (
        "X-Hub-Message-Id", "X-Hub-Case-Id", "Idempotency-Key")


def test_sign_is_hmac_sha512_of_timestamp_dot_body() -> None:
    expected = hmac.new(SECRET, f"{NOW}.".encode() + BODY, hashlib.sha512).hexdigest()
    assert sign(SECRET, BODY, NOW) == expected
    assert len(expected) == 128


def test_sign_refuses_empty_secret_and_negative_timestamp() -> None:
    with pytest.raises(ValueError, match="secret"):
        sign(b"", BODY, NOW)
    with pytest.raises(ValueError, match="timestamp"):
        sign(SECRET, BODY, -1)


def test_signed_headers_carry_ids_timestamp_signature_and_content_type() -> None:
    headers = headers_for()
    assert headers == {
        "Content-Type": "application/xml",
        HEADER_MESSAGE_ID: "m-1",
        HEADER_CASE_ID: "c-1",
        HEADER_IDEMPOTENCY_KEY: "k-1",
        HEADER_TIMESTAMP: str(NOW),
        HEADER_SIGNATURE: sign(SECRET, BODY, NOW),
    }


def test_signed_headers_content_type_can_be_chosen() -> None:
    headers = signed_headers(SECRET, b"{}", message_id="m", case_id="c", idempotency_key="k", now=NOW,
                             content_type="application/json")
    assert headers["Content-Type"] == "application/json"


@pytest.mark.parametrize("bad", ["", "m\r\nX-Evil: 1", "m 1", "m\x00", "ü"])
def test_signed_headers_refuse_ids_that_could_inject_headers(bad: str) -> None:
    with pytest.raises(ValueError, match=HEADER_MESSAGE_ID):
        signed_headers(SECRET, BODY, message_id=bad, case_id="c", idempotency_key="k", now=NOW)


def test_round_trip() -> None:
    assert verify(SECRET, BODY, headers_for(), now=NOW)
    assert verify(SECRET, b"", headers_for(b""), now=NOW)


def test_tampered_body_rejected() -> None:
    assert not verify(SECRET, BODY + b" ", headers_for(), now=NOW)


def test_tampered_timestamp_rejected() -> None:
    headers = headers_for() | {HEADER_TIMESTAMP: str(NOW + 1)}
    assert not verify(SECRET, BODY, headers, now=NOW)


def test_tampered_signature_rejected() -> None:
    headers = headers_for()
    flipped = ("0" if headers[HEADER_SIGNATURE][0] != "0" else "1") + headers[HEADER_SIGNATURE][1:]
    assert not verify(SECRET, BODY, headers | {HEADER_SIGNATURE: flipped}, now=NOW)


def test_other_secret_rejected() -> None:
    assert not verify(SECRET + b"x", BODY, headers_for(), now=NOW)


def test_stale_and_future_timestamps_rejected_beyond_tolerance() -> None:
    headers = headers_for()
    assert verify(SECRET, BODY, headers, now=NOW + 300)
    assert verify(SECRET, BODY, headers, now=NOW - 300)
    assert not verify(SECRET, BODY, headers, now=NOW + 301)
    assert not verify(SECRET, BODY, headers, now=NOW - 301)
    assert verify(SECRET, BODY, headers, now=NOW + 1000, tolerance_s=1000)
    assert not verify(SECRET, BODY, headers, now=NOW + 1, tolerance_s=0)


def test_header_lookup_is_case_insensitive() -> None:
    upper = {k.upper(): v for k, v in headers_for().items()}
    assert verify(SECRET, BODY, upper, now=NOW)
    mixed = {"Callback-Authentication": upper["CALLBACK-AUTHENTICATION"],
             "Callback-Timestamp": upper["CALLBACK-TIMESTAMP"]}
    assert verify(SECRET, BODY, mixed, now=NOW)


def test_uppercase_hex_signature_accepted() -> None:
    headers = headers_for()
    assert verify(SECRET, BODY, headers | {HEADER_SIGNATURE: headers[HEADER_SIGNATURE].upper()}, now=NOW)


def test_conflicting_duplicate_headers_rejected() -> None:
    headers = headers_for() | {"Callback-Authentication": "0" * 128}
    assert not verify(SECRET, BODY, headers, now=NOW)


@pytest.mark.parametrize("timestamp", ["", " 1760000000", "1760000000 ", "+1760000000", "1_760_000_000",
                                       "01760000000", "1760000000.0", "-5", "١٧٦٠٠٠٠٠٠٠", "9" * 40])
def test_malformed_timestamp_rejected(timestamp: str) -> None:
    headers = headers_for() | {HEADER_TIMESTAMP: timestamp}
    assert not verify(SECRET, BODY, headers, now=NOW)


@pytest.mark.parametrize("signature", ["", "abc", "g" * 128, "0" * 127, "0" * 129, "sha512=" + "0" * 128])
def test_malformed_signature_rejected(signature: str) -> None:
    assert not verify(SECRET, BODY, headers_for() | {HEADER_SIGNATURE: signature}, now=NOW)


@pytest.mark.parametrize("missing", [HEADER_SIGNATURE, HEADER_TIMESTAMP])
def test_missing_header_rejected(missing: str) -> None:
    headers = {k: v for k, v in headers_for().items() if k != missing}
    assert not verify(SECRET, BODY, headers, now=NOW)


def test_idempotency_key_is_stable_and_distinct_per_recipient() -> None:
    key = idempotency_key("4f1c-msg", "ihk:06411000")
    assert key == idempotency_key("4f1c-msg", "ihk:06411000")
    assert key != idempotency_key("4f1c-msg", "xga:06431000")
    assert key != idempotency_key("other-msg", "ihk:06411000")
    assert len(key) == 36 and key.count("-") == 4


def test_idempotency_key_parts_cannot_be_shifted_into_a_collision() -> None:
    assert idempotency_key("a:b", "c") != idempotency_key("a", "b:c")
    assert idempotency_key("ab", "c") != idempotency_key("a", "bc")


def test_idempotency_key_value_is_pinned() -> None:
    # Keys must survive restarts and upgrades: a changed derivation would make recipients accept duplicates.
    assert idempotency_key("m-1", "ihk:06411000") == "3ed73c76-78c7-5f7c-a149-1963a85e7275"
