# ruff: noqa: RUF001
"""URL host matching against the real consumer: httpx's own URL parsing (IDNA 2008), plus IDNA 2003 and UTS 46.

The oracle is ``httpx.URL(url).raw_host`` - the name httpx sends to DNS. Whatever the rule allows must, for
httpx, be one of the allowlisted hosts (written out here by hand in ASCII, not computed by the code under test);
the names Python's IDNA 2003 codec and UTS 46 clients (requests, browsers) would reach must be the same.
"""

from __future__ import annotations

import httpx
import idna
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agentkit.tools import UrlRule

ENTRIES = ["api.example.com", "*.docs.example.org", "straße.de", "bücher.de", "ας.example.net"]
RULE = UrlRule(hosts=ENTRIES)
# the same allowlist, by hand, in the ASCII form clients connect to
EXACT = {"api.example.com", "xn--strae-oqa.de", "xn--bcher-kva.de", "xn--mxa8a.example.net"}
SUFFIX = ".docs.example.org"
# hosts named exactly by an entry (may differ under IDNA 2003 - the policy asked for exactly them)
NAMED = EXACT

PIECES = [
    "a", "b", "api", "example", "docs", "org", "com", "de", "net", "x", "0", "7", "-", "xn--", "xn--zca",
    "xn--strae-oqa", "xn--bcher-kva", "xn--mxa8a", "xn--mxa0b", "xn--n3h", "xn--zz", "strasse", "straße",
    "STRASSE", "STRAßE", "bücher", "BÜCHER", "bu\u0308cher", "ß", "ẞ", "ς", "σ", "Σ", "ας", "ασ", "ΑΣ", "ü", "Ü",
    "Ａ", "ａｐｉ", "。", "．", "\u200d", "\u200c", "а", "е", "о", "İ", "ı", "K", "ﬀ", "١", "☃", "\u0301", "_", "%2e",
    "example。com", "ex\u00adample",
]  # fmt: skip
TAILS = ["", ".example.com", ".docs.example.org", ".de", ".example.net", ".", "..", ".com"]


def _label() -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(PIECES), min_size=1, max_size=3).map("".join)


NEAR = [
    "api.example.com", "API.EXAMPLE.COM", "straße.de", "strasse.de", "STRASSE.DE", "STRAßE.de", "xn--strae-oqa.de",
    "bücher.de", "BÜCHER.DE", "xn--bcher-kva.de", "ας.example.net", "ασ.example.net", "ΑΣ.example.net",
    "xn--mxa8a.example.net", "docs.example.org", "api.example.com.", "api.exampIe.com",
]  # fmt: skip
HOSTS = st.one_of(
    st.builds(
        lambda labels, tail: ".".join(labels) + tail,
        st.lists(_label(), min_size=1, max_size=3),
        st.sampled_from(TAILS),
    ),
    st.builds(
        lambda prefix, host: prefix + host, st.sampled_from(["", "", "a.", "ß.", "x-1.", "ς."]), st.sampled_from(NEAR)
    ),
    st.builds(lambda label: label + SUFFIX, _label()),
)


def _allowed_ascii(host: str) -> bool:
    return host in EXACT or (host.endswith(SUFFIX) and len(host) > len(SUFFIX))


def _httpx_host(url: str) -> str | None:
    try:
        return httpx.URL(url).raw_host.decode("ascii").rstrip(".")
    except (httpx.InvalidURL, UnicodeError, ValueError):
        return None


def _encoded(host: str, how: str) -> str | None:
    try:
        if how == "2003":
            return host.encode("idna").decode("ascii").lower().rstrip(".")
        return idna.encode(host.rstrip("."), uts46=True).decode("ascii")
    except (UnicodeError, ValueError, idna.IDNAError):
        return None


@settings(max_examples=600, deadline=None)
@given(HOSTS)
def test_an_allowed_host_is_allowed_for_httpx_idna2003_and_uts46_clients(host: str) -> None:
    url = f"https://{host}/path"
    if RULE.check(url) is not None:
        return
    seen = _httpx_host(url)
    assert seen is not None, (host, "allowed but httpx refuses it")
    assert _allowed_ascii(seen), (host, seen)
    # every other client reaches the same name, unless the policy named exactly this (divergent) host
    for how in ("2003", "uts46"):
        other = _encoded(host.lower(), how)
        assert other is None or other == seen or seen in NAMED, (host, how, other, seen)


@settings(max_examples=600, deadline=None)
@given(st.sampled_from([*sorted(EXACT), "a.docs.example.org", "x-1.b.docs.example.org"]), st.booleans())
def test_allowlisted_hosts_in_ascii_or_unicode_spelling_are_allowed(host: str, unicode: bool) -> None:
    spelled = idna.decode(host) if unicode else host
    assert RULE.check(f"https://{spelled}/") is None, spelled
    assert RULE.check(f"https://{spelled.upper() if spelled.isascii() else spelled}:443/x?q#f") is None


REGRESSIONS = [
    # (allowlist, url, allowed?)
    (["strasse.de"], "https://straße.de/", False),  # IDNA 2003 would go to strasse.de; httpx to xn--strae-oqa.de
    (["straße.de"], "https://strasse.de/", False),  # an entry with ß does not allow the ss domain
    (["straße.de"], "https://straße.de/", True),  # ...but allows exactly itself
    (["straße.de"], "https://xn--strae-oqa.de/", True),
    (["xn--strae-oqa.de"], "https://straße.de/", True),
    (["api.example.com"], "https://api.exaßple.com/", False),
    (["*.example.com"], "https://ß.example.com/", False),  # wildcard does not name the divergent host exactly
    (["*.example.com"], "https://xn--zca.example.com/", False),
    (["ασ.example.net"], "https://ας.example.net/", False),  # final sigma: another domain under IDNA 2008
    (["ας.example.net"], "https://ασ.example.net/", False),
    (["api.example.com"], "https://ＡＰＩ.example.com/", False),  # httpx refuses; requests maps it: refused
    (["api.example.com"], "https://api。example.com/", True),  # every client reads 。 as a dot
    (["*.example.com"], "https://a\u200db.example.com/", False),  # ZWJ: invalid in IDNA 2008, dropped by 2003
    (["*.example.com"], "https://xn--n3h.example.com/", False),  # valid IDNA 2003 only
    (["bücher.de"], "https://BÜCHER.de/", True),
    (["bücher.de"], "https://bu\u0308cher.de/", False),  # not NFC: IDNA 2008 refuses it
]


@pytest.mark.parametrize(("hosts", "url", "allowed"), REGRESSIONS)
def test_idn_regressions(hosts: list[str], url: str, allowed: bool) -> None:
    verdict = UrlRule(hosts=hosts).check(url)
    assert (verdict is None) is allowed, verdict
    if allowed:
        seen = _httpx_host(url)
        assert seen is not None
        assert seen == idna.encode(hosts[0], uts46=True).decode() if not hosts[0].startswith("xn--") else hosts[0]


def test_divergent_host_refusal_names_the_check() -> None:
    verdict = UrlRule(hosts=["*.example.com"]).check("https://ß.example.com/")
    assert verdict is not None
    assert verdict[0] == "url.idna"
    assert "allow it by its exact name" in verdict[1]
