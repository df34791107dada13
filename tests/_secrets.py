"""Hypothesis generators of planted secrets for the redaction suites (red-team variants, not fixed strings).

Every random part of a secret starts with ``Zq`` + a digit, a pair that never appears in the fixed text around
it, so "the secret is not in the output" cannot pass or fail by coincidence.
"""

from __future__ import annotations

import base64
import string
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

ALNUM = string.ascii_letters + string.digits
B64URL = ALNUM + "-_"


@dataclass(frozen=True)
class Token:
    """A credential as it appears (``text``) and the part that must never be written (``secret``)."""

    text: str
    secret: str


@dataclass(frozen=True)
class Planted:
    """A JSON-like value with one secret planted somewhere in it."""

    value: Any
    secret: str
    where: str


def _chars(alphabet: str, low: int, high: int) -> st.SearchStrategy[str]:
    return st.text(alphabet=alphabet, min_size=low, max_size=high)


def _random(alphabet: str = ALNUM, low: int = 16, high: int = 32) -> st.SearchStrategy[str]:
    """A random body that looks like a real token (mixed case and digits, never hex-only)."""
    return _chars(alphabet, low, high).map(lambda body: "Zq9" + body)


def _same(prefix: str, body: st.SearchStrategy[str]) -> st.SearchStrategy[Token]:
    return body.map(lambda b: Token(prefix + b, prefix + b))


def _pem(body: str) -> Token:
    text = f"-----BEGIN RSA PRIVATE KEY-----\n{body}\n{body[::-1]}\n-----END RSA PRIVATE KEY-----"
    return Token(text, body)


def _basic(userpass: str) -> Token:
    encoded = base64.b64encode(f"alice:{userpass}".encode()).decode()
    return Token(f"Basic {encoded}", encoded)


def secrets() -> st.SearchStrategy[Token]:
    """Well-known token formats and credential shapes, with random bodies."""
    upper_digits = string.ascii_uppercase + string.digits
    return st.one_of(
        _same("sk-", _random()),
        _same("sk-proj-", _random()),
        _same("sk-ant-api03-", _random(B64URL)),
        _same("sk_live_", _random(ALNUM, 20, 30)),
        _same("rk_live_", _random(ALNUM, 20, 30)),
        _same("sk_test_", _random(ALNUM, 20, 30)),
        st.sampled_from(["ghp_", "gho_", "ghu_", "ghs_", "ghr_"]).flatmap(lambda p: _same(p, _random(ALNUM, 33, 33))),
        st.tuples(_random(ALNUM, 19, 19), _random(ALNUM, 56, 56)).map(
            lambda parts: Token(f"github_pat_{parts[0]}_{parts[1]}", f"github_pat_{parts[0]}_{parts[1]}")
        ),
        st.tuples(st.sampled_from(["xoxb-", "xoxp-", "xoxa-"]), _chars(string.digits, 10, 13), _random()).map(
            lambda p: Token(f"{p[0]}{p[1]}-{p[1]}-{p[2]}", f"{p[0]}{p[1]}-{p[1]}-{p[2]}")
        ),
        st.tuples(_chars(B64URL, 10, 30), _chars(B64URL, 10, 40), _random(B64URL, 20, 43)).map(
            lambda p: Token(f"eyJ{p[0]}.eyJ{p[1]}.{p[2]}", f"eyJ{p[0]}.eyJ{p[1]}.{p[2]}")
        ),
        st.tuples(st.sampled_from(["AKIA", "ASIA"]), _chars(upper_digits, 13, 13)).map(
            lambda p: Token(f"{p[0]}ZQ9{p[1]}", f"{p[0]}ZQ9{p[1]}")
        ),
        _chars(ALNUM + "/+", 37, 37).map(lambda body: Token("Zq9" + body, "Zq9" + body)),  # AWS secret key (40)
        _same("AIza", _random(B64URL, 32, 32)),
        _random(ALNUM + "+/", 24, 40).map(lambda body: _pem(body)),
        st.tuples(_random(ALNUM, 6, 20), st.sampled_from(["+", "/", "=", "+/", "/="]), _chars(ALNUM + "+/", 0, 12)).map(
            lambda p: Token(f"Bearer {p[0]}{p[1]}{p[2]}==", f"{p[0]}{p[1]}{p[2]}==")
        ),
        _random(ALNUM, 6, 16).map(_basic),
    )


KEY_SPELLINGS = [
    "password", "Password", "PASSWD", "passphrase", "pwd", "secret", "client_secret", "token", "access_token",
    "auth_token", "api key", "apikey", "api_key", "API-Key", "apiKey", "x-api-key", "X-API-KEY", "authorization",
    "Authorization", "cookie", "set-cookie", "Set-Cookie", "private_key", "privateKey", "credentials",
    "my_very_long_service_account_access_token_for_ci",
]  # fmt: skip

_BASES = [
    "password", "passwd", "passphrase", "pwd", "secret", "token", "api key", "api_key", "x-api-key", "authorization",
    "cookie", "set-cookie", "private_key", "client_secret", "access_token", "auth_token", "credentials",
]  # fmt: skip


def _spell(base: str, separator: str, case: str, prefix: str, suffix: str) -> str:
    name = base
    for sep in ("_", "-", " "):
        name = name.replace(sep, separator)
    if case == "upper":
        name = name.upper()
    elif case == "title":
        name = name.title()
    elif case == "camel" and separator == "":
        name = name[:1] + name[1:].replace("key", "Key").replace("token", "Token")
    return prefix + name + suffix


def key_names() -> st.SearchStrategy[str]:
    """Secret key names in many spellings: case, separators, prefixes and long suffixes."""
    return st.builds(
        _spell,
        st.sampled_from(_BASES),
        st.sampled_from(["_", "-", " ", ".", ""]),
        st.sampled_from(["lower", "upper", "title", "camel"]),
        st.sampled_from(["", "my_", "service-", "X-", "Upstream "]),
        st.sampled_from(["", "_for_ci", "-value", "Value", "_of_the_production_deployment"]),
    )


_QUERY_KEYS = ["access_token", "token", "key", "api_key", "apikey", "code", "password", "auth", "sig", "secret"]


def contexts() -> st.SearchStrategy[Planted]:
    """A secret placed in text, URLs (every credential-bearing part), headers, nested dicts and dict keys."""
    value = _random(ALNUM, 8, 24)
    return st.one_of(
        st.builds(lambda t: Planted(f"note: {t.text} (end)", t.secret, "text"), secrets()),
        st.builds(lambda t: Planted({"tool": f"run {t.text}"}, t.secret, "tool name"), secrets()),
        st.builds(
            lambda t: Planted({t.text: "v"}, t.secret, "dict key"), secrets().filter(lambda t: t.text == t.secret)
        ),
        st.builds(lambda v: Planted(f"https://alice:{v}@db.example.com:5432/app", v, "userinfo"), value),
        st.builds(
            lambda k, v: Planted({"url": f"https://api.example.com/v1?x=1&{k}={v}"}, v, f"query {k}"),
            st.sampled_from(_QUERY_KEYS),
            value,
        ),
        st.builds(lambda v: Planted(f"https://api.example.com/v1;key={v}/models", v, ";key="), value),
        st.builds(lambda v: Planted(f"https://app.example.com/cb#access_token={v}", v, "fragment"), value),
        st.builds(
            lambda v: Planted(f"https://hooks.example.com/services/T0/B0/{v}A1b2C3d4", v, "path token"),
            _random(ALNUM, 14, 24),
        ),
        st.builds(
            lambda h, t: Planted({"headers": {h: t.text}}, t.secret, f"header {h}"),
            st.sampled_from(["Authorization", "X-Custom", "Proxy-Authorization", "X-Forwarded-Auth"]),
            secrets(),
        ),
        st.builds(
            lambda n, v: Planted({"a": [{"b": {n: v}}]}, v, f"nested {n}"),
            key_names(),
            value,
        ),
        st.builds(lambda n, v: Planted(f'{{"{n}": "{v}"}}', v, f"json text {n}"), key_names(), value),
        st.builds(
            lambda n, v: Planted(f"{n}={v}", v, f"key=value {n}"), key_names().filter(lambda n: " " not in n), value
        ),
    )
