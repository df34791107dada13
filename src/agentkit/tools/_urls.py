"""URL checks: scheme and host allowlists that survive userinfo, IDN, IP-literal and port tricks.

Host names are compared in the ASCII form HTTP clients connect to (see :mod:`._hosts`: IDNA 2008 / UTS 46 via
the ``idna`` package, hosts that clients would convert differently refused).
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from ._hosts import entry_form, host_form

__all__ = ("DEFAULT_PORTS", "UrlVerdict", "canonical_host_pattern", "check_url", "parse_loose_ipv4")

DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443, "ftp": 21}

_FORBIDDEN_CHARS = re.compile(r"[\x00-\x20\x7f-\x9f\\\u2028\u2029\u00a0\u200b-\u200f\u2060\ufeff\u3000]")
_NUMERIC_PART = re.compile(r"(0x[0-9a-f]*|[0-9]+)")


class UrlVerdict:
    """Why a URL was refused (``None`` from :func:`check_url` means it is allowed)."""

    __slots__ = ("check", "reason")

    def __init__(self, check: str, reason: str) -> None:
        self.check = check
        self.reason = reason


def parse_loose_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """Parse the IPv4 forms ``inet_aton`` accepts: 1-4 parts, each decimal, octal (``0`` prefix) or hex.

    ``2130706433``, ``0x7f.1``, ``017700000001`` and ``127.1`` all mean 127.0.0.1 to curl, browsers and
    ``getaddrinfo``; a host allowlist must treat them as the IP address they are.
    """
    parts = host.split(".")
    if parts and parts[-1] == "":
        parts = parts[:-1]
    if not 1 <= len(parts) <= 4 or not all(_NUMERIC_PART.fullmatch(p) for p in parts):
        return None
    values: list[int] = []
    for part in parts:
        if part.startswith("0x"):
            values.append(int(part[2:] or "0", 16))
        elif len(part) > 1 and part.startswith("0"):
            if any(c in "89" for c in part):
                return None
            values.append(int(part, 8))
        else:
            values.append(int(part))
    *head, last = values
    if any(v > 255 for v in head) or last >= 256 ** (4 - len(head)):
        return None
    number = 0
    for v in head:
        number = number * 256 + v
    number = (number << (8 * (4 - len(head)))) + last
    return ipaddress.IPv4Address(number)


def _ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    if host.startswith("[") and host.endswith("]"):
        inner = host[1:-1]
        if "%" in inner:
            return None
        try:
            address = ipaddress.IPv6Address(inner)
        except ValueError:
            return None
        return address.ipv4_mapped or address
    return parse_loose_ipv4(host)


def canonical_host_pattern(pattern: str) -> str | ipaddress.IPv4Network | ipaddress.IPv6Network:
    """Canonical form of one ``hosts`` entry: an IP network, ``*.suffix`` or an exact ASCII host.

    Raises:
        ValueError: the entry is not a host name, ``*.`` + host name, IP address or CIDR network.
    """
    text = pattern.strip()
    if not text:
        raise ValueError("an empty host is not allowed. Fix: remove the empty entry.")
    try:
        return ipaddress.ip_network(text.strip("[]"), strict=False)
    except ValueError:
        pass
    wildcard = text.startswith("*.")
    name = entry_form(text[2:] if wildcard else text)
    if name is None or "*" in (text[2:] if wildcard else text) or parse_loose_ipv4(name) is not None:
        raise ValueError(
            f"{pattern!r} is not a host name, '*.' + host name, IP address or CIDR network."
            " Fix: write e.g. api.example.com, *.example.com or 10.0.0.0/8."
        )
    return f"*.{name}" if wildcard else name


def check_url(
    value: str,
    *,
    schemes: frozenset[str],
    hosts: tuple[str | ipaddress.IPv4Network | ipaddress.IPv6Network, ...],
    ports: frozenset[int] | None,
    allow_userinfo: bool,
    max_length: int,
) -> UrlVerdict | None:
    """Check one URL against the allowlists; return why it is refused, or ``None``."""
    if len(value) > max_length:
        return UrlVerdict("url.length", f"is longer than {max_length} characters")
    if _FORBIDDEN_CHARS.search(value):
        return UrlVerdict("url.chars", "contains whitespace, control characters or a backslash")
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        return UrlVerdict("url.parse", "is not a valid URL (bad port or host)")
    scheme = parts.scheme.lower()
    if scheme not in schemes:
        return UrlVerdict("url.scheme", f"scheme {scheme or '(none)'!r} is not allowed")
    netloc = parts.netloc
    if not netloc:
        return UrlVerdict("url.host", "has no host")
    if "@" in netloc and not allow_userinfo:
        return UrlVerdict("url.userinfo", "contains user information ('user@host'), which is not allowed")
    hostport = netloc.rpartition("@")[2]
    host_text = hostport
    if host_text.startswith("["):
        end = host_text.find("]")
        host_text = host_text[: end + 1] if end != -1 else host_text
    elif ":" in host_text:
        host_text = host_text.rsplit(":", 1)[0]
    host_text = host_text.lower()
    if "%" in host_text or not host_text:
        return UrlVerdict("url.host", "has an empty or percent-encoded host")
    address = _ip(host_text)
    if address is None and (host_text.startswith("[") or _looks_numeric(host_text)):
        return UrlVerdict("url.host", "has a malformed IP-literal host")
    if port is not None and ports is None and port != DEFAULT_PORTS.get(scheme):
        return UrlVerdict("url.port", f"port {port} is not allowed")
    if port is not None and ports is not None and port not in ports:
        return UrlVerdict("url.port", f"port {port} is not allowed")
    if port is None and ports is not None and DEFAULT_PORTS.get(scheme) not in ports:
        return UrlVerdict("url.port", "the default port of the scheme is not allowed")
    if address is not None:
        for entry in hosts:
            if not isinstance(entry, str) and address.version == entry.version and address in entry:
                return None
        return UrlVerdict("url.host", f"IP address {address} is not in the allowed hosts")
    form = host_form(host_text)
    name = form.ascii
    if name is None:
        return UrlVerdict("url.host", f"host {form.problem}")
    if parse_loose_ipv4(name) is not None:
        return UrlVerdict("url.host", "has a host name that is read as an IP address")
    if form.divergent and name not in hosts:
        return UrlVerdict(
            "url.idna", f"host {name!r} means another domain under IDNA 2003; allow it by its exact name to use it"
        )
    for entry in hosts:
        if isinstance(entry, str) and (name == entry or (entry.startswith("*.") and name.endswith(entry[1:]))):
            return None
    return UrlVerdict("url.host", f"host {name!r} is not in the allowed hosts")


def _looks_numeric(host: str) -> bool:
    """A host whose last label is numeric or hex would be taken as an IP address by most resolvers."""
    last = host.rstrip(".").rsplit(".", 1)[-1].lower()
    return bool(last) and _NUMERIC_PART.fullmatch(last) is not None
