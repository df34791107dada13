# ruff: noqa: RUF002
"""The argument rules of a tool policy: ``ArgRule`` and its ``PathRule`` / ``UrlRule``, and ``ToolRule``."""

from __future__ import annotations

import ipaddress
import json
import math
import re
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator, model_validator
from typing_extensions import Self

from ._decode import strings_in
from ._errors import policy_error
from ._paths import check_path, default_case_insensitive, resolve_root
from ._urls import canonical_host_pattern, check_url

__all__ = ("ArgRule", "PathRule", "ToolRule", "UrlRule")

JsonScalar = str | int | float | bool | None
_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "array": (list, tuple),
    "object": (dict, Mapping),
    "null": (type(None),),
}
_MAX_PATTERN_INPUT = 10_000
_MAX_STRINGS = 1000  # strings checked under one path or URL rule
_MAX_NESTING = 256  # ToolPolicy.max_depth (at most 256) bounds arguments before any rule sees them


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    def __init__(self, /, **data: Any) -> None:
        """Validate; an invalid value raises a one-line ``ConfigurationError`` naming the key and the fix."""
        try:
            super().__init__(**data)
        except ValidationError as error:
            raise policy_error(error) from None

    def __eq__(self, other: object) -> bool:
        # compiled private state (caches, compiled patterns) is derived, not part of the value
        if not isinstance(other, BaseModel) or type(other) is not type(self):
            return NotImplemented
        return self.model_dump() == other.model_dump()

    __hash__ = None  # type: ignore[assignment]


class PathRule(_Strict):
    """The argument is a file-system path that must resolve inside one of ``within``.

    Relative paths are resolved against ``relative_to`` (default: the process's working directory; set it to
    the tool's or MCP server's working directory if that differs). ``..``, symbolic links, ``~``,
    ``$VARS``, NFKC-changing Unicode, backslashes and control characters cannot escape the roots. A list or
    object value is checked string by string (items, keys and values at any depth).

    Attributes:
        within: Allowed root directories (at least one).
        relative_to: Directory relative paths are resolved against.
        case_insensitive: Consider case variants of a root (``/srv/DATA`` for ``/srv/data``); a variant is
            accepted only if the file system resolves it to the root directory itself (``os.path.samefile``),
            so on case-sensitive volumes it never is. ``None`` = the platform default (macOS/Windows: yes);
            ``False`` = exact case only.
        max_length: Longest accepted path, in characters.
    """

    within: list[str] = Field(min_length=1)
    relative_to: str | None = None
    case_insensitive: bool | None = None
    max_length: int = Field(default=4096, gt=0)

    _lexical: tuple[str, ...] = PrivateAttr(default=())
    _real: tuple[str, ...] = PrivateAttr(default=())
    _base: str | None = PrivateAttr(default=None)
    _fold: bool = PrivateAttr(default=False)

    @field_validator("within")
    @classmethod
    def _roots_not_blank(cls, value: list[str]) -> list[str]:
        if any(not root.strip() or "\x00" in root for root in value):
            raise ValueError("roots must be non-empty directory paths. Fix: list directories such as ./data.")
        return value

    def model_post_init(self, context: Any, /) -> None:
        """Resolve the roots once."""
        pairs = [resolve_root(root) for root in self.within]
        self._lexical = tuple(dict.fromkeys([p for pair in pairs for p in pair]))
        self._real = tuple(dict.fromkeys(real for _, real in pairs))
        self._base = resolve_root(self.relative_to)[1] if self.relative_to is not None else None
        self._fold = default_case_insensitive() if self.case_insensitive is None else self.case_insensitive

    def check(self, value: str) -> tuple[str, str] | None:
        """Return ``(check, reason)`` if ``value`` is refused, else ``None``."""
        private = self.__pydantic_private__  # direct: pydantic's private-attribute lookup costs ~5 us each
        assert private is not None
        verdict = check_path(
            value,
            lexical_roots=private["_lexical"],
            real_roots=private["_real"],
            relative_to=private["_base"],
            case_insensitive=private["_fold"],
            max_length=self.max_length,
        )
        return None if verdict is None else (verdict.check, verdict.reason)


class UrlRule(_Strict):
    """The argument is a URL whose scheme, host and port are allowlisted.

    ``hosts`` entries are host names (``api.example.com``; Unicode names are read with UTS 46 and compared in
    their IDNA 2008 ASCII form, the form HTTP clients connect to; a host whose IDNA 2003 form is another name
    - ``ß`` vs ``ss``, ``ς`` vs ``σ`` - is refused unless an entry names exactly it),
    ``*.example.com`` (any subdomain, not the bare domain), IP addresses or CIDR networks. IP literals in
    any form (``2130706433``, ``0x7f.1``, ``[::ffff:127.0.0.1]``) only match IP entries. User information
    (``user@host``) is refused unless ``allow_userinfo``; an explicit port must be in ``ports`` (default: only
    the scheme's default port).

    Attributes:
        schemes: Allowed schemes (lower-case), default ``["https"]``.
        hosts: Allowed hosts (at least one).
        ports: Allowed ports; ``None`` = only the scheme's default port.
        allow_userinfo: Accept ``user:password@`` in the URL.
        max_length: Longest accepted URL, in characters.
    """

    schemes: list[str] = Field(default_factory=lambda: ["https"], min_length=1)
    hosts: list[str] = Field(min_length=1)
    ports: list[int] | None = None
    allow_userinfo: bool = False
    max_length: int = Field(default=2048, gt=0)

    _hosts: tuple[str | ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = PrivateAttr(default=())
    _schemes: frozenset[str] = PrivateAttr(default=frozenset())
    _ports: frozenset[int] | None = PrivateAttr(default=None)

    @field_validator("schemes")
    @classmethod
    def _schemes_lower(cls, value: list[str]) -> list[str]:
        for scheme in value:
            if not re.fullmatch(r"[a-z][a-z0-9+.-]*", scheme):
                raise ValueError(f"{scheme!r} is not a lower-case URL scheme. Fix: write e.g. 'https'.")
        return value

    @field_validator("hosts")
    @classmethod
    def _hosts_valid(cls, value: list[str]) -> list[str]:
        for host in value:
            canonical_host_pattern(host)
        return value

    @field_validator("ports")
    @classmethod
    def _ports_valid(cls, value: list[int] | None) -> list[int] | None:
        if value is not None and any(not 0 < p < 65536 for p in value):
            raise ValueError("ports must be between 1 and 65535. Fix: list valid TCP ports.")
        return value

    def model_post_init(self, context: Any, /) -> None:
        """Canonicalise the host allowlist once."""
        self._hosts = tuple(canonical_host_pattern(h) for h in self.hosts)
        self._schemes = frozenset(self.schemes)
        self._ports = None if self.ports is None else frozenset(self.ports)

    def check(self, value: str) -> tuple[str, str] | None:
        """Return ``(check, reason)`` if ``value`` is refused, else ``None``."""
        private = self.__pydantic_private__
        assert private is not None
        verdict = check_url(
            value,
            schemes=private["_schemes"],
            hosts=private["_hosts"],
            ports=private["_ports"],
            allow_userinfo=self.allow_userinfo,
            max_length=self.max_length,
        )
        return None if verdict is None else (verdict.check, verdict.reason)


class ArgRule(_Strict):
    """Constraints on one (top-level) argument of a tool. Every given constraint must hold.

    Attributes:
        required: The argument must be present.
        type: Expected JSON type (``"string"``, ``"integer"``, ``"number"``, ``"boolean"``, ``"array"``,
            ``"object"``, ``"null"``); booleans are never numbers.
        allowed_values: The value must equal one of these (type-strict: ``1`` is not ``True``).
        pattern: A regular expression the whole string must match (``re.fullmatch``); strings longer than
            ``max_length`` (or 10 000 characters) are refused before matching, which bounds the cost.
        minimum: Smallest accepted number (inclusive).
        maximum: Largest accepted number (inclusive).
        max_length: Longest string (characters), array (items) or object (keys).
        max_bytes: Largest JSON encoding of the value, in UTF-8 bytes.
        path: The value is a path that must stay inside given roots.
        url: The value is a URL with allowlisted scheme, host and port.
    """

    required: bool = False
    type: Literal["string", "integer", "number", "boolean", "array", "object", "null"] | None = None
    allowed_values: list[JsonScalar] | None = None
    pattern: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    max_length: int | None = Field(default=None, ge=0)
    max_bytes: int | None = Field(default=None, ge=0)
    path: PathRule | None = None
    url: UrlRule | None = None

    _regex: re.Pattern[str] | None = PrivateAttr(default=None)

    @field_validator("pattern")
    @classmethod
    def _pattern_compiles(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as error:
                raise ValueError(f"is not a valid regular expression ({error}). Fix: correct the pattern.") from None
        return value

    @field_validator("minimum", "maximum")
    @classmethod
    def _finite(cls, value: float | None) -> float | None:
        if value is not None and not math.isfinite(value):
            raise ValueError("must be a finite number. Fix: use a number other than nan or inf.")
        return value

    @model_validator(mode="after")
    def _range_ordered(self) -> Self:
        if self.minimum is not None and self.maximum is not None and self.minimum > self.maximum:
            raise ValueError(
                f"minimum ({self.minimum}) is greater than maximum ({self.maximum}). Fix: swap or correct them."
            )
        return self

    def model_post_init(self, context: Any, /) -> None:
        """Compile the pattern once."""
        self._regex = re.compile(self.pattern) if self.pattern is not None else None

    def check(self, value: Any) -> tuple[str, str] | None:
        """Return ``(check, reason)`` if ``value`` is refused, else ``None``."""
        if self.type is not None:
            kinds = _JSON_TYPES[self.type]
            if not isinstance(value, kinds) or (isinstance(value, bool) and self.type not in ("boolean",)):
                return "type", f"must be of JSON type {self.type}"
        if self.allowed_values is not None and not any(
            type(value) is type(allowed) and value == allowed for allowed in self.allowed_values
        ):
            return "allowed_values", "is not one of the allowed values"
        if self.minimum is not None or self.maximum is not None:
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                return "range", "must be a number"
            if isinstance(value, float) and not math.isfinite(value):
                return "range", "must be a finite number"
            if self.minimum is not None and value < self.minimum:
                return "range", f"must be >= {self.minimum:g}"
            if self.maximum is not None and value > self.maximum:
                return "range", f"must be <= {self.maximum:g}"
        if self.max_length is not None:
            if not isinstance(value, (str, list, tuple, dict, Mapping)):
                return "max_length", "must be a string, array or object"
            if len(value) > self.max_length:
                return "max_length", f"is longer than {self.max_length}"
        if self.max_bytes is not None:
            size = len(json.dumps(value, ensure_ascii=False, allow_nan=False).encode("utf-8"))
            if size > self.max_bytes:
                return "max_bytes", f"is larger than {self.max_bytes} bytes"
        regex = self.__pydantic_private__["_regex"] if self.pattern is not None else None  # type: ignore[index]
        if regex is not None:
            if not isinstance(value, str):
                return "pattern", "must be a string"
            if len(value) > min(self.max_length or _MAX_PATTERN_INPUT, _MAX_PATTERN_INPUT):
                return "pattern", "is too long to match against the pattern"
            if regex.fullmatch(value) is None:
                return "pattern", "does not match the required pattern"
        if self.path is not None:
            if isinstance(value, str):  # the common case, without the traversal below
                return self.path.check(value) if self.url is None else self.path.check(value) or self.url.check(value)
            # every string of a list or object is a path too (bounded: each costs a realpath)
            for index, text in enumerate(strings_in(value, _MAX_NESTING)):
                if text is None:
                    return "path", "must be a string path (or a list or object of them)"
                if index >= _MAX_STRINGS:
                    return "path", f"holds more than {_MAX_STRINGS} paths"
                refused = self.path.check(text)
                if refused is not None:
                    return refused
        if self.url is not None:
            if isinstance(value, str):
                return self.url.check(value)
            for index, text in enumerate(strings_in(value, _MAX_NESTING)):
                if text is None:
                    return "url", "must be a string URL (or a list or object of them)"
                if index >= _MAX_STRINGS:
                    return "url", f"holds more than {_MAX_STRINGS} URLs"
                refused = self.url.check(text)
                if refused is not None:
                    return refused
        return None


class ToolRule(_Strict):
    """Rules for the tools whose names match a key of :attr:`ToolPolicy.tools`.

    Attributes:
        args: Constraints per (top-level) argument name.
        extra_args: ``"deny"`` refuses arguments not listed in ``args``; ``"allow"`` (default) passes them on.
        max_calls: Most calls of each matching tool per run (``None`` = unlimited).
        require_approval: Every call needs the approval callback's consent.
        redact: Argument names (globs, any depth) replaced by ``**********`` in the audit trail.
    """

    args: dict[str, ArgRule] = Field(default_factory=dict)
    extra_args: Literal["allow", "deny"] = "allow"
    max_calls: int | None = Field(default=None, ge=0)
    require_approval: bool = False
    redact: list[str] = Field(default_factory=list)
