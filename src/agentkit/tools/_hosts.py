# ruff: noqa: RUF002
"""Host names as HTTP clients resolve them: IDNA 2008 / UTS 46 through the ``idna`` package, never our own tables.

A host in a URL is judged in the form httpx sends to DNS (``httpx.URL(url).raw_host``): ASCII hosts lower-cased
as they are, other hosts ``idna.encode(host.lower())`` (IDNA 2008). Clients do not all agree: requests and
browsers apply the UTS 46 mapping first (fullwidth letters, ideographic full stops), Python's ``idna`` codec
(``socket``, ``urllib``) implements IDNA 2003, which maps ``ß`` -> ``ss`` and ``ς`` -> ``σ`` and so reaches a
*different registered domain*. A host is therefore refused when

- it is not a valid IDNA 2008 name (httpx would refuse it too: ``☃.com``, ``a\u200db.com``, bogus ``xn--``),
- UTS 46 maps it to another name than httpx uses (``ＡＰＩ.example.com``), or
- its IDNA 2003 form differs from its IDNA 2008 form (``straße.de`` -> ``strasse.de`` vs ``xn--strae-oqa.de``),
  unless the policy names exactly that host (see :func:`host_form`'s ``divergent`` flag).

Allowlist entries are read with UTS 46 (non-transitional, so ``ß`` and ``ς`` are kept): an entry ``straße.de``
allows ``xn--strae-oqa.de`` only, never ``strasse.de``. Every conversion is cached.
"""

from __future__ import annotations

import re
from functools import lru_cache

import idna

__all__ = ("HostForm", "entry_form", "host_form")

_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")


class HostForm:
    """A host name in the ASCII form a client connects to, or why it cannot be used.

    Attributes:
        ascii: Lower-case ASCII (A-label) form without a trailing dot, or ``None`` when refused.
        divergent: Whether IDNA 2003 (Python's codec) would turn it into another name.
        problem: Why the host is refused (``ascii`` is ``None``).
    """

    __slots__ = ("ascii", "divergent", "problem")

    def __init__(self, ascii_form: str | None, divergent: bool = False, problem: str = "") -> None:
        self.ascii = ascii_form
        self.divergent = divergent
        self.problem = problem


def _strip_dot(host: str) -> str:
    return host[:-1] if host.endswith(".") and not host.endswith("..") else host


def _idna2003(host: str) -> str | None:
    try:
        return host.encode("idna").decode("ascii").lower()
    except (UnicodeError, ValueError):
        return None


def _check_ascii(host: str) -> HostForm:
    labels = host.split(".")
    if len(host) > 253 or not all(_LABEL.fullmatch(label) for label in labels):
        return HostForm(None, problem="is not a valid host name")
    divergent = False
    for label in labels:
        if label.startswith("xn--"):
            try:  # an A-label must be valid IDNA 2008 (``xn--zz``, ``xn--n3h`` are not host names)
                ulabel = idna.decode(label)
            except (idna.IDNAError, UnicodeError, ValueError):
                return HostForm(None, problem="has an invalid internationalised (xn--) label")
            divergent = divergent or _idna2003(ulabel) != label
    return HostForm(host, divergent)


@lru_cache(maxsize=4096)
def host_form(host: str) -> HostForm:
    """The form a URL's host is judged in (``host`` as written in the URL, without brackets or port)."""
    host = _strip_dot(host)
    if not host:
        return HostForm(None, problem="has an empty host")
    if host.isascii():
        return _check_ascii(host.lower())
    try:
        httpx_form = idna.encode(host.lower()).decode("ascii")  # exactly httpx's encode_host
    except (idna.IDNAError, UnicodeError, ValueError):
        return HostForm(None, problem="is not a valid IDNA 2008 host name")
    try:
        uts46_form = idna.encode(host, uts46=True).decode("ascii")  # requests, urllib3, browsers
    except (idna.IDNAError, UnicodeError, ValueError):
        uts46_form = None
    if uts46_form != httpx_form:
        return HostForm(None, problem="is converted to different names by different HTTP clients")
    checked = _check_ascii(httpx_form.lower())
    if checked.ascii is None:
        return checked
    return HostForm(checked.ascii, checked.divergent or _idna2003(host) != checked.ascii)


@lru_cache(maxsize=1024)
def entry_form(name: str) -> str | None:
    """ASCII form of an allowlist entry's host name (UTS 46 non-transitional), or ``None`` if invalid."""
    name = _strip_dot(name.strip())
    if not name:
        return None
    if name.isascii():
        return _check_ascii(name.lower()).ascii
    try:
        encoded = idna.encode(name, uts46=True, transitional=False).decode("ascii")
    except (idna.IDNAError, UnicodeError, ValueError):
        return None
    return _check_ascii(encoded.lower()).ascii
