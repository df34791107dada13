# ruff: noqa: RUF001
"""Property-based tests (hypothesis) for the path and URL rules: whatever they allow is really inside."""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from agentkit.tools import PathRule, UrlRule

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("props")
    root = base / "root"
    (root / "a" / "b").mkdir(parents=True)
    (base / "out").mkdir()
    os.symlink(base / "out", root / "a" / "escape")
    os.symlink(root / "a" / "b", root / "inner_link")
    os.symlink("../../..", root / "a" / "b" / "up")
    return root


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root + os.sep)


SEGMENTS = st.sampled_from(["a", "b", "..", ".", "", "escape", "inner_link", "up", "x", "root", "out", "~", "$X"])


@SETTINGS
@given(st.lists(SEGMENTS, min_size=1, max_size=8), st.booleans())
def test_allowed_paths_resolve_inside_the_root(tree: Path, segments: list[str], absolute: bool) -> None:
    root = os.path.realpath(tree)
    rule = PathRule(within=[root], relative_to=root, case_insensitive=False)
    value = "/".join(segments)
    if absolute:
        value = root + "/" + value
    if rule.check(value) is None:
        joined = os.path.join(root, value)
        assert _inside(os.path.realpath(joined), root), value
        assert _inside(os.path.normpath(joined), root), value


@SETTINGS
@given(st.text(max_size=40))
def test_arbitrary_text_never_escapes(tree: Path, value: str) -> None:
    root = os.path.realpath(tree)
    rule = PathRule(within=[root], relative_to=root, case_insensitive=False)
    if rule.check(value) is None:
        assert unicodedata.normalize("NFKC", value) == value
        assert "\x00" not in value
        assert "\\" not in value
        assert _inside(os.path.realpath(os.path.join(root, value)), root), repr(value)


@SETTINGS
@given(st.lists(st.sampled_from(["a", "b", "c"]), min_size=1, max_size=5))
def test_plain_paths_inside_are_allowed(tree: Path, segments: list[str]) -> None:
    root = os.path.realpath(tree)
    rule = PathRule(within=[root], relative_to=root, case_insensitive=False)
    assert rule.check("/".join(segments)) is None


ALLOWED_HOSTS = {"api.example.com"}
RULE = UrlRule(hosts=["api.example.com", "*.docs.example.org"])
HOSTS = st.sampled_from(
    [
        "api.example.com", "API.example.com", "api.example.com.", "a.docs.example.org", "docs.example.org",
        "evil.com", "api.example.com.evil.com", "127.0.0.1", "2130706433", "0x7f.1", "[::1]", "[::ffff:127.0.0.1]",
        "xn--pi-7kc.example.com", "аpi.example.com", "api.example.com%2f", "", "api.example.com:443", "10.0.0.1",
    ]
)  # fmt: skip
SCHEMES = st.sampled_from(["https", "http", "HTTPS", "ftp", "file", "javascript", ""])
USERINFO = st.sampled_from(["", "user@", "user:pw@", "api.example.com@", "@"])
PORTS = st.sampled_from(["", ":443", ":80", ":8443", ":0", ":99999", ":", ":４４３"])
PATHS = st.sampled_from(
    ["", "/", "/x?y=1", "/#frag", "/@evil.com", "?@evil.com", "#@evil.com", "/..%2f", "\\@evil.com"]
)


def _allowed_host(host: str) -> bool:
    host = host.rstrip(".").lower()
    return host in ALLOWED_HOSTS or host.endswith(".docs.example.org")


@SETTINGS
@given(SCHEMES, USERINFO, HOSTS, PORTS, PATHS)
def test_url_rule_agrees_with_a_model_of_the_allowlist(
    scheme: str, userinfo: str, host: str, port: str, path: str
) -> None:
    url = f"{scheme}://{userinfo}{host}{port}{path}"
    verdict = RULE.check(url)
    if verdict is None:
        parts = urlsplit(url)
        assert parts.scheme.lower() == "https"
        assert "@" not in parts.netloc
        assert parts.port in (None, 443)
        assert parts.hostname is not None
        assert _allowed_host(parts.hostname), url
    # A host sample may carry its own port ("api.example.com:443"); a second port after it is malformed.
    bare_host, has_port, host_port = host.partition(":") if not host.startswith("[") else (host, "", "")
    effective_port = port if not has_port else (f":{host_port}" if not port else "malformed")
    expected = (
        scheme.lower() == "https"
        and not userinfo
        and _allowed_host(bare_host)
        and effective_port in ("", ":", ":443")
        and "\\" not in path
    )
    assert (verdict is None) == expected, (url, verdict and verdict)


@SETTINGS
@given(st.text(max_size=60))
def test_arbitrary_text_urls_only_reach_allowed_hosts(value: str) -> None:
    httpx = pytest.importorskip("httpx")
    if RULE.check(value) is None:
        parts = urlsplit(value)
        assert parts.scheme.lower() == "https"
        assert parts.hostname is not None
        assert _allowed_host(parts.hostname)
        try:
            other = httpx.URL(value)
        except Exception:
            return  # another parser rejecting the URL is fine: it will not be fetched
        assume(other.host != "")
        assert _allowed_host(other.host), (value, other.host)


@SETTINGS
@given(st.sampled_from(["https://api.example.com", "https://x.docs.example.org"]), st.text(max_size=30))
def test_anything_after_the_host_part_never_changes_the_host(base: str, tail: str) -> None:
    url = base + "/" + tail
    if RULE.check(url) is None:
        host = urlsplit(url).hostname
        assert host is not None
        assert _allowed_host(host)
