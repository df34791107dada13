"""The redaction layer (agentkit._redaction) on its own: concrete red-team cases and generated variants.

The consumers (audit JSONL, events, exceptions, translator, dump_component) are driven for real in
tests/test_redaction_consumers.py with the same secret generators (tests/_secrets.py).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agentkit._redaction import (
    REDACTED,
    find_redacted,
    looks_secret,
    redact_config,
    redact_text,
    redact_url,
    redact_value,
    reject_redacted,
)
from agentkit.exceptions import ConfigurationError

from ._secrets import KEY_SPELLINGS, Planted, Token, contexts, key_names, secrets

# Each case: (text, the secret substring that must disappear). The 24 audit cases of issue #12 item 6, plus
# the translator's URL and header cases of item 7.
TEXT_CASES: list[tuple[str, str]] = [
    ("https://alice:hunter2-pass@db.example.com:5432/app", "hunter2-pass"),
    ("https://ghp_0123456789abcdefghijABCDEFGHIJ0123@github.com/org/repo.git", "ghp_0123456789abcdefghij"),
    ("https://api.example.com/v1/items?access_token=ya-tok-0123456789&limit=5", "ya-tok-0123456789"),
    ("https://api.example.com/cb?code=4%2F0AbCdEf123456&state=xyz", "4%2F0AbCdEf123456"),
    ("https://api.example.com/v1?password=opensesame99", "opensesame99"),
    ("https://api.example.com/v1?auth=authvalue12345", "authvalue12345"),
    ("https://blob.example.net/c/f.txt?sv=2020&sig=AbCdEf%2B123%3D", "AbCdEf%2B123%3D"),
    ("https://api.example.com/v1;key=semicolonkey123/models", "semicolonkey123"),
    ("https://hooks.slack.com/services/T0AAAAAAA/B0BBBBBBB/AbCdEfGhIjKlMnOpQrStUvWx", "AbCdEfGhIjKlMnOpQrStUvWx"),
    ("https://app.example.com/#access_token=fragmenttoken123", "fragmenttoken123"),
    ("http://[::1:bad-url/with:password@host", "password"),
    ("Authorization: Basic YWxhZGRpbjpvcGVuc2VzYW1l", "YWxhZGRpbjpvcGVuc2VzYW1l"),
    ("authorization=Bearer abc+def/ghi=jkl+mno==", "abc+def/ghi=jkl+mno=="),
    ("curl -H 'Authorization: Bearer abc+/def=ghi+jkl=='", "abc+/def=ghi+jkl=="),
    ("key sk_live_51HcDeFgHiJkLmNoPqRsTuV", "sk_live_51HcDeFgHiJkLmNoPqRsTuV"),
    ("rk_live_51HcDeFgHiJkLmNoPqRsTuV", "rk_live_51HcDeFgHiJkLmNoPqRsTuV"),
    ("token ghp_16C7e42F292c6912E7710c838347Ae178B4a", "ghp_16C7e42F292c6912E7710c838347Ae178B4a"),
    ("gho_16C7e42F292c6912E7710c838347Ae178B4a", "gho_16C7e42F292c6912E7710c838347Ae178B4a"),
    ("github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz", "github_pat_11ABCDEFG0123456789_abcdefghijklm"),
    ("slack xoxb-1234567890123-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx", "xoxb-1234567890123"),
    ("xoxp-1234567890-1234567890-abcdef", "xoxp-1234567890-1234567890-abcdef"),
    (
        "jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
        "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
    ),
    ("aws AKIAIOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPLE"),
    ("aws ASIAY34FZKBOKMUTVV7A", "ASIAY34FZKBOKMUTVV7A"),
    ("secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY done", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
    ("google AIzaSyDdI0hCZtE6vySjMm-WEfRq3CPzqKqqsHI", "AIzaSyDdI0hCZtE6vySjMm-WEfRq3CPzqKqqsHI"),
    ("anthropic sk-ant-api03-AbCdEfGhIjKlMnOp-0123456789", "sk-ant-api03-AbCdEfGhIjKlMnOp"),
    ("openai sk-proj-AbCdEfGhIjKlMnOp0123456789", "sk-proj-AbCdEfGhIjKlMnOp0123456789"),
    ("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----", "b3BlbnNz"),
    ("password=hunter2", "hunter2"),
    ("pwd: swordfish", "swordfish"),
    ('{"passphrase": "correct horse"}', "correct"),
    ("Cookie: session=abc123def; theme=dark", "abc123def"),
    ("Set-Cookie: sid=31d4d96e407aad42; Path=/; Secure", "31d4d96e407aad42"),
    ('{"api key": "my-plain-key"}', "my-plain-key"),
    ('"x-api-key": "xak-value-1"', "xak-value-1"),
    ("API-Key=apikeyvalue1", "apikeyvalue1"),
    ("apiKey: camelvalue1", "camelvalue1"),
    ("client_secret=cs-value-1", "cs-value-1"),
    ("DefaultEndpointsProtocol=https;AccountName=a;AccountKey=azKey0123456789==;", "azKey0123456789"),
    ("Error code: 401 - {'error': {'message': 'Incorrect API key provided: sk-abc123def456ghi789'}}", "sk-abc123"),
    # Held-out style variants: double-encoded JSON, percent-encoding, other schemes and connection strings.
    (json.dumps(json.dumps({"password": "dbl-enc-pw1"})), "dbl-enc-pw1"),
    (json.dumps(json.dumps({"Authorization": "Bearer dblEncBearer1"})), "dblEncBearer1"),
    ("https://x.example.com/?q=password%3Dpct-enc-pw1", "pct-enc-pw1"),
    ("Negotiate Basic YWxpY2U6c2VjcmV0LXB3LTE=", "YWxpY2U6c2VjcmV0LXB3LTE"),
    ("https://api.telegram.org/bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/sendMessage", "AAHdqTcvCH1vGWJx"),
    ("redis://:redis-pw-1@cache.internal:6379/0", "redis-pw-1"),
    ("Server=db;Database=app;User Id=sa;Password=conn-pw-1;", "conn-pw-1"),
    ('{"Ocp-Apim-Subscription-Key": "azure-sub-1"}', "azure-sub-1"),
    ("X-Goog-Api-Key: goog-hdr-1", "goog-hdr-1"),
    ("tool_https://u:glued-pw-1@h.example.com", "glued-pw-1"),
]

KEPT_TEXT = [
    "max_tokens=100 temperature=0.5",
    "the basic usage is simple",
    "read /home/user/Documents/Project2024Final/report-2024.txt",
    "commit 0123456789abcdef0123456789abcdef01234567",
    "model: claude-3-5-sonnet-20241022",
    "id 123e4567-e89b-12d3-a456-426614174000",
    "https://api.openai.com/v1/chat/completions",
    "http://127.0.0.1:8080/v1?model=gpt-4o&limit=3",
    "tool read_file denied by rule deny:delete_*",
    "Use a token budget of 4096 tokens.",
    "${OPENAI_API_KEY}",
    "HTTPS://Api.Example.com:8443/v1?",  # kept exactly as written: the translator compares before and after
    "http://[::1]:8080/v1",
    "https://blob.example.net/c?sv=2020-08-04&se=2026-01-01&sp=r",
]


@pytest.mark.parametrize(("text", "secret"), TEXT_CASES, ids=[f"case{i}" for i in range(len(TEXT_CASES))])
def test_redact_text_masks_each_red_team_case(text: str, secret: str) -> None:
    out = redact_text(text)
    assert secret not in out
    assert REDACTED in out
    assert redact_text(out) == out  # idempotent: re-redacting a record changes nothing


@pytest.mark.parametrize("text", KEPT_TEXT)
def test_redact_text_keeps_ordinary_text(text: str) -> None:
    assert redact_text(text) == text


@pytest.mark.parametrize("name", KEY_SPELLINGS)
def test_secret_key_spellings(name: str) -> None:
    assert looks_secret(name)
    assert redact_value({name: "value-0123"}) == {name: REDACTED}


@pytest.mark.parametrize("name", ["max_tokens", "prompt_tokens", "tokenizer", "model", "path", "author", "keyboard"])
def test_ordinary_key_names_are_not_secret(name: str) -> None:
    assert not looks_secret(name)


def test_redact_value_deep_keys_too() -> None:
    value = {
        "sk-live-0123456789abcdefghij": 1,
        "nested": [{"private_key": "pk"}, ("pwd", {"Cookie": "c=1"})],
        "my_very_long_service_account_access_token_for_ci": "long-key-name-secret",
        "none": None,
        "flag": {"auth": None, "use_secret": True},
        "ref": {"password": "${DB_PASSWORD}"},
    }
    out = redact_value(value)
    dumped = json.dumps(out)
    for secret in ("sk-live-0123456789", 'pk"', "c=1", "long-key-name-secret"):
        assert secret not in dumped
    assert out["nested"][1][0] == "pwd"  # a tuple stays a tuple; a plain word in it is kept
    assert isinstance(out["nested"][1], tuple)
    assert out["flag"] == {"auth": None, "use_secret": True}
    assert out["ref"] == {"password": "${DB_PASSWORD}"}


def test_secret_dict_keys_that_collide_stay_distinct() -> None:
    out = redact_value({"sk-aaaaaaaaaaaaaaaaaaaa": 1, "sk-bbbbbbbbbbbbbbbbbbbb": 2})
    assert sorted(out.values()) == [1, 2]
    assert all("sk-" not in key for key in out)


def test_redact_url_parts() -> None:
    url = "https://u:p4ss@example.com:8443/a/AbCdEfGhIjKlMnOpQrSt12/b;token=t0k?key=k3y&q=ok#frag"
    out = redact_url(url)
    assert out == f"https://{REDACTED}@example.com:8443/a/{REDACTED}/b;token={REDACTED}?key={REDACTED}&q=ok#{REDACTED}"
    assert redact_url("https://example.com:99999999/x") == REDACTED  # unparsable: masked whole
    assert redact_url("not a url") == "not a url"


def test_redact_config_masks_headers_urls_and_secret_names() -> None:
    config = {
        "model": "gpt-4o",
        "api_key": "sk-plain-0123456789abcdef",
        "base_url": "https://user:pw@proxy.example.com/v1?api_key=q",
        "default_headers": {"X-Custom-Auth": "abc", "User-Agent": "app/1.0", "X-Any": "Bearer abc"},
        "extra": {"deep": {"client_secret": "cs"}, "ref": "${KEEP}"},
        "max_tokens": 10,
    }
    out = redact_config(config)
    assert out["default_headers"] == {"X-Custom-Auth": REDACTED, "User-Agent": "app/1.0", "X-Any": REDACTED}
    assert out["base_url"] == f"https://{REDACTED}@proxy.example.com/v1?api_key={REDACTED}"
    assert out["api_key"] == REDACTED
    assert out["extra"] == {"deep": {"client_secret": REDACTED}, "ref": "${KEEP}"}
    assert out["max_tokens"] == 10
    assert find_redacted(out) == "config.base_url"
    with pytest.raises(ConfigurationError, match=r"^members\[0\]\.base_url: holds \*+, a secret masked"):
        reject_redacted(out, "members[0]")
    reject_redacted({"api_key": REDACTED, "model": "m"}, "c")  # AutoGen's own SecretStr dump is allowed


# ---------------------------------------------------------------------------------------------- generated

PROPERTY = settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(planted=contexts())
def test_generated_secret_in_any_context_never_survives_redact_value(planted: Planted) -> None:
    dumped = json.dumps(redact_value(planted.value), default=str)
    assert planted.secret not in dumped


@PROPERTY
@given(token=secrets(), prefix=st.text(max_size=20), suffix=st.text(max_size=20))
def test_generated_token_in_text_never_survives(token: Token, prefix: str, suffix: str) -> None:
    assert token.secret not in redact_text(f"{prefix} {token.text} {suffix}")


@PROPERTY
@given(name=key_names(), value=st.text(min_size=4, max_size=30).filter(lambda v: v.strip() == v and "$" not in v))
def test_generated_key_spelling_masks_its_value(name: str, value: str) -> None:
    out: Any = redact_value({"outer": {name: value}})
    assert out["outer"] == {redact_text(name): REDACTED}


@PROPERTY
@given(planted=contexts())
def test_generated_config_never_shows_the_secret(planted: Planted) -> None:
    config = {"model": "m", "default_headers": {"X-Any": planted.secret}, "extra": planted.value}
    assert planted.secret not in json.dumps(redact_config(config), default=str)
