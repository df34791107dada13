"""``ToolPolicy``: which tools a model may call, with which arguments, how often, and with whose approval."""

from __future__ import annotations

import ipaddress
import json
import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator
from typing_extensions import Self

from .._utils import REDACTED, looks_secret, redact_text
from ..exceptions import ConfigurationError
from ._names import canonical_glob, canonical_name, is_plain_ascii_name, matches_any
from ._paths import check_path, default_case_insensitive, resolve_root
from ._urls import canonical_host_pattern, check_url

__all__ = ("ArgRule", "PathRule", "ToolPolicy", "ToolRule", "UrlRule", "Verdict")

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
_AUDIT_STRING = 500
_AUDIT_DEPTH = 6
_AUDIT_ITEMS = 50


@dataclass(frozen=True)
class Verdict:
    """The outcome of evaluating one rule set against one call.

    Attributes:
        allowed: Whether the call may proceed (so far).
        rule: Identifier of the deciding rule, e.g. ``"deny:delete_*"``, ``"args.path.path.within"``.
        reason: Human-readable reason; never contains argument values.
    """

    allowed: bool
    rule: str
    reason: str = ""


ALLOWED = Verdict(True, "allow")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

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
    ``$VARS``, NFKC-changing Unicode, backslashes and control characters cannot escape the roots.

    Attributes:
        within: Allowed root directories (at least one).
        relative_to: Directory relative paths are resolved against.
        case_insensitive: Compare case-insensitively; ``None`` = the platform default (macOS/Windows: yes).
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
            raise ValueError("roots must be non-empty directory paths")
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

    ``hosts`` entries are host names (``api.example.com``; Unicode names are compared in punycode),
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
                raise ValueError(f"{scheme!r} is not a lower-case URL scheme such as 'https'")
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
            raise ValueError("ports must be between 1 and 65535")
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
                raise ValueError(f"is not a valid regular expression: {error}") from None
        return value

    @field_validator("minimum", "maximum")
    @classmethod
    def _finite(cls, value: float | None) -> float | None:
        if value is not None and not math.isfinite(value):
            raise ValueError("must be a finite number")
        return value

    @model_validator(mode="after")
    def _range_ordered(self) -> Self:
        if self.minimum is not None and self.maximum is not None and self.minimum > self.maximum:
            raise ValueError(f"minimum ({self.minimum}) is greater than maximum ({self.maximum})")
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
            if not isinstance(value, str):
                return "path", "must be a string path"
            refused = self.path.check(value)
            if refused is not None:
                return refused
        if self.url is not None:
            if not isinstance(value, str):
                return "url", "must be a string URL"
            refused = self.url.check(value)
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


class ToolPolicy(_Strict):
    """One declarative policy for every tool a model can call: function tools, workbenches, MCP servers.

    Load it from a dict (``ToolPolicy.model_validate(d)`` or ``ToolPolicy.from_dict(d)``), JSON or YAML
    (``ToolPolicy.from_file("policy.yaml")``; YAML needs ``pip install agentkit[yaml]``). Invalid policies fail
    at load time with an error naming the field.

    Names: ``allow`` and ``deny`` are globs (``*``, ``?``) over tool names compared in a canonical form
    (NFKC, confusables folded, case-folded, ``[^a-z0-9_-]`` -> ``_``), so case, Unicode look-alikes,
    whitespace and separator tricks cannot dodge them. ``deny`` wins; when ``allow`` is given, every other
    tool is denied. Keys of ``tools`` are globs too; every matching :class:`ToolRule` applies.

    Example::

        policy = ToolPolicy.from_dict({
            "allow": ["read_file", "fetch"],
            "tools": {
                "read_file": {"args": {"path": {"required": True, "path": {"within": ["./data"]}}}},
                "fetch": {"args": {"url": {"url": {"hosts": ["*.example.com"]}}}, "max_calls": 3},
            },
        })

    Attributes:
        allow: Tool-name globs that may be called; ``None`` = every tool not denied.
        deny: Tool-name globs that may never be called (wins over ``allow``).
        tools: Per-tool rules, keyed by tool-name glob.
        max_calls: Most tool calls in total per run (``None`` = unlimited).
        approval_timeout_s: How long the approval callback may take before the call is denied.
        redact: Argument names (globs, any depth, any tool) redacted in the audit trail, in addition to
            names that look secret (``api_key``, ``token``, ``password``...).
        redact_patterns: Regular expressions; matching parts of string arguments are redacted in the audit.
        max_argument_bytes: Largest JSON encoding of a call's arguments.
        max_depth: Deepest nesting of a call's arguments.
        plain_names_only: Refuse tool names outside ``[A-Za-z0-9_-]{1,256}`` (what OpenAI and Anthropic accept).
        on_deny: What a refusal does: ``"return"`` an error result to the model (default); ``"stop"``: return
            the error, refuse every further call until ``reset()`` and let
            :class:`~agentkit.tools.ToolDenialTermination` end the team run; ``"raise"``
            :class:`~agentkit.exceptions.ToolCallDeniedError` from ``call_tool`` - only for your own code that
            calls the workbench: AutoGen 0.7.5's ``AssistantAgent`` waits forever when a workbench raises (its
            tool-execution task dies before posting its end-of-stream marker), so use ``"stop"`` there.
    """

    allow: list[str] | None = None
    deny: list[str] = Field(default_factory=list)
    tools: dict[str, ToolRule] = Field(default_factory=dict)
    max_calls: int | None = Field(default=None, ge=0)
    approval_timeout_s: float = Field(default=300.0, gt=0, allow_inf_nan=False)
    redact: list[str] = Field(default_factory=list)
    redact_patterns: list[str] = Field(default_factory=list)
    max_argument_bytes: int = Field(default=1_000_000, gt=0)
    max_depth: int = Field(default=32, ge=1, le=256)
    plain_names_only: bool = True
    on_deny: Literal["return", "raise", "stop"] = "return"

    _allow: tuple[str, ...] | None = PrivateAttr(default=None)
    _deny: tuple[str, ...] = PrivateAttr(default=())
    _rules: tuple[tuple[str, str, ToolRule], ...] = PrivateAttr(default=())
    _redact: tuple[str, ...] = PrivateAttr(default=())
    _redact_res: tuple[re.Pattern[str], ...] = PrivateAttr(default=())
    _cache: dict[str, tuple[Verdict, tuple[tuple[str, ToolRule], ...]]] = PrivateAttr(default_factory=dict)

    @field_validator("allow", "deny", "redact")
    @classmethod
    def _globs_valid(cls, value: list[str] | None) -> list[str] | None:
        for glob in value or ():
            if not isinstance(glob, str) or not canonical_glob(glob).strip("_"):
                raise ValueError(f"{glob!r} is not a tool-name glob")
        return value

    @field_validator("tools")
    @classmethod
    def _keys_valid(cls, value: dict[str, ToolRule]) -> dict[str, ToolRule]:
        for key in value:
            if not canonical_glob(key).strip("_"):
                raise ValueError(f"key {key!r} is not a tool-name glob")
        return value

    @field_validator("redact_patterns")
    @classmethod
    def _patterns_compile(cls, value: list[str]) -> list[str]:
        for pattern in value:
            try:
                re.compile(pattern)
            except re.error as error:
                raise ValueError(f"{pattern!r} is not a valid regular expression: {error}") from None
        return value

    def model_post_init(self, context: Any, /) -> None:
        """Canonicalise globs and compile patterns once."""
        self._allow = None if self.allow is None else tuple(canonical_glob(g) for g in self.allow)
        self._deny = tuple(canonical_glob(g) for g in self.deny)
        self._rules = tuple((key, canonical_glob(key), rule) for key, rule in self.tools.items())
        self._redact = tuple(canonical_glob(g) for g in self.redact)
        self._redact_res = tuple(re.compile(p) for p in self.redact_patterns)

    # -- loading -----------------------------------------------------------------------------------------

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ToolPolicy:
        """Build a policy from a mapping (raises ``pydantic.ValidationError`` naming the bad field)."""
        return cls.model_validate(dict(data))

    @classmethod
    def from_json(cls, text: str) -> ToolPolicy:
        """Build a policy from a JSON document."""
        return cls.model_validate_json(text)

    @classmethod
    def from_yaml(cls, text: str) -> ToolPolicy:
        """Build a policy from a YAML document (needs ``pyyaml``: ``pip install agentkit[yaml]``)."""
        try:
            import yaml
        except ImportError:  # pragma: no cover - depends on the environment
            raise ConfigurationError(
                "policy", "YAML policies need pyyaml, which is not installed.", "pip install 'agentkit[yaml]'"
            ) from None
        data = yaml.safe_load(text)
        if not isinstance(data, Mapping):
            raise ConfigurationError("policy", "the YAML document is not a mapping.", "Start it with e.g. 'allow:'.")
        return cls.from_dict(data)

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> ToolPolicy:
        """Load a policy from a ``.json``, ``.yaml`` or ``.yml`` file."""
        file = Path(path)
        text = file.read_text(encoding="utf-8")
        suffix = file.suffix.lower()
        if suffix == ".json":
            return cls.from_json(text)
        if suffix in (".yaml", ".yml"):
            return cls.from_yaml(text)
        raise ConfigurationError("path", f"unknown policy file type {suffix!r}.", "Use a .json, .yaml or .yml file.")

    # -- evaluation --------------------------------------------------------------------------------------

    def _lookup(self, name: str) -> tuple[Verdict, tuple[tuple[str, ToolRule], ...]]:
        private = self.__pydantic_private__  # direct: pydantic's private-attribute lookup costs ~5 us each
        assert private is not None
        cache: dict[str, tuple[Verdict, tuple[tuple[str, ToolRule], ...]]] = private["_cache"]
        cached = cache.get(name)
        if cached is not None:
            return cached
        if not isinstance(name, str) or (self.plain_names_only and not is_plain_ascii_name(name)):
            verdict = Verdict(False, "name.invalid", "the tool name is not 1-256 characters of [A-Za-z0-9_-]")
            return verdict, ()
        canonical = canonical_name(name)
        denied = matches_any(canonical, self._deny)
        if denied is not None:
            verdict = Verdict(False, f"deny:{denied}", "the tool is denied by policy")
        elif self._allow is not None and matches_any(canonical, self._allow) is None:
            verdict = Verdict(False, "not_allowed", "the tool is not in the policy's allow list")
        else:
            verdict = ALLOWED
        rules = tuple((key, rule) for key, glob, rule in self._rules if matches_any(canonical, (glob,)))
        if len(cache) < 4096:
            cache[name] = (verdict, rules)
        return verdict, rules

    def check_name(self, name: str) -> Verdict:
        """Whether the policy lets the model see and call the tool ``name`` at all."""
        return self._lookup(name)[0]

    def rules_for(self, name: str) -> tuple[tuple[str, ToolRule], ...]:
        """Every ``(key, rule)`` of :attr:`tools` that applies to ``name``."""
        return self._lookup(name)[1]

    def requires_approval(self, name: str) -> bool:
        """Whether a call of ``name`` needs the approval callback's consent."""
        return any(rule.require_approval for _, rule in self.rules_for(name))

    def check_arguments(self, name: str, arguments: Any) -> Verdict:
        """Check a call's arguments: structure, size and depth limits, then every applicable argument rule."""
        return self.check_arguments_against(tuple(rule for _, rule in self.rules_for(name)), arguments)

    def check_arguments_against(self, rules: tuple[ToolRule, ...], arguments: Any) -> Verdict:
        """Like :meth:`check_arguments` with the applicable rules already looked up (the workbench caches them)."""
        structural = self._check_structure(arguments)
        if structural is not None:
            return structural
        for rule in rules:
            verdict = _check_rule(rule, arguments)
            if verdict is not None:
                return verdict
        return ALLOWED

    def _check_structure(self, arguments: Any) -> Verdict | None:
        if not isinstance(arguments, Mapping):
            return Verdict(False, "args.structure", "the arguments must be a JSON object")
        max_depth = self.max_depth
        max_bytes = self.max_argument_bytes
        stack: list[tuple[Any, int]] = [(arguments, 1)]
        bound = 0  # an upper bound of the JSON size: exact encoding is only needed when this is too big
        while stack:
            value, depth = stack.pop()
            if depth > max_depth:
                return Verdict(False, "args.depth", f"the arguments are nested deeper than {max_depth} levels")
            if isinstance(value, str):
                bound += 6 * len(value) + 3
            elif isinstance(value, Mapping):
                bound += 2
                for key, item in value.items():
                    if not isinstance(key, str):
                        return Verdict(False, "args.structure", "argument keys must be strings")
                    bound += 6 * len(key) + 5
                    stack.append((item, depth + 1))
            elif isinstance(value, (list, tuple)):
                bound += 2 + len(value)
                stack.extend((item, depth + 1) for item in value)
            elif isinstance(value, bool) or value is None:
                bound += 6
            elif isinstance(value, int):
                bound += 32 if -(10**30) < value < 10**30 else len(str(value)) + 1
            elif isinstance(value, float):
                if not math.isfinite(value):
                    return Verdict(False, "args.structure", "arguments must not contain NaN or infinity")
                bound += 32
            else:
                return Verdict(False, "args.structure", f"arguments must be JSON values, not {type(value).__name__}")
            if bound > 40 * max_bytes:  # the bound is < 20x the real size, so this is surely too big
                return Verdict(False, "args.size", f"the arguments are larger than {max_bytes} bytes")
        if bound <= max_bytes:
            return None
        try:
            size = len(json.dumps(arguments, ensure_ascii=False, allow_nan=False).encode("utf-8", "surrogatepass"))
        except (TypeError, ValueError, RecursionError):
            return Verdict(False, "args.structure", "the arguments are not valid JSON")
        if size > max_bytes:
            return Verdict(False, "args.size", f"the arguments are larger than {max_bytes} bytes")
        return None

    # -- audit redaction ---------------------------------------------------------------------------------

    def redact_arguments(self, name: str, arguments: Any) -> Any:
        """A copy of ``arguments`` safe for the audit trail: secrets and configured names/patterns redacted."""
        private = self.__pydantic_private__
        assert private is not None
        globs = private["_redact"] + tuple(canonical_glob(g) for _, rule in self.rules_for(name) for g in rule.redact)
        return self._redact_value(arguments, globs, private["_redact_res"], 0)

    def _redact_value(
        self, value: Any, globs: tuple[str, ...], patterns: tuple[re.Pattern[str], ...], depth: int
    ) -> Any:
        if depth > _AUDIT_DEPTH:
            return "…"
        if isinstance(value, Mapping):
            out: dict[str, Any] = {}
            for index, (key, item) in enumerate(value.items()):
                if index >= _AUDIT_ITEMS:
                    out["…"] = f"{len(value) - _AUDIT_ITEMS} more"
                    break
                text = str(key)[:_AUDIT_STRING]
                secret = looks_secret(text) or matches_any(canonical_name(text), globs) is not None
                out[text] = (
                    REDACTED if secret and item is not None else self._redact_value(item, globs, patterns, depth + 1)
                )
            return out
        if isinstance(value, (list, tuple)):
            items = [self._redact_value(v, globs, patterns, depth + 1) for v in list(value)[:_AUDIT_ITEMS]]
            if len(value) > _AUDIT_ITEMS:
                items.append(f"… {len(value) - _AUDIT_ITEMS} more")
            return items
        if isinstance(value, str):
            text = redact_text(value)
            for pattern in patterns:
                text = pattern.sub(REDACTED, text)
            if len(text) > _AUDIT_STRING:
                text = f"{text[:_AUDIT_STRING]}… ({len(value)} chars)"
            return text
        if value is None or isinstance(value, (bool, int, float)):
            return value if not isinstance(value, float) or math.isfinite(value) else str(value)
        return f"<{type(value).__name__}>"


def _check_rule(rule: ToolRule, arguments: Mapping[str, Any]) -> Verdict | None:
    if rule.extra_args == "deny":
        for key in arguments:
            if key not in rule.args:
                return Verdict(False, "args.extra", f"argument {key[:64]!r} is not allowed for this tool")
    canonical_keys = {canonical_name(k): k for k in rule.args}
    for key in arguments:
        twin = canonical_keys.get(canonical_name(key))
        if twin is not None and twin != key:
            return Verdict(
                False, f"args.{twin}.ambiguous", f"argument {key[:64]!r} imitates the constrained argument {twin!r}"
            )
    for arg, arg_rule in rule.args.items():
        if arg not in arguments:
            if arg_rule.required:
                return Verdict(False, f"args.{arg}.required", f"argument {arg!r} is required")
            continue
        try:
            refused = arg_rule.check(arguments[arg])
        except Exception as error:  # fail closed: any error while checking denies
            return Verdict(
                False, f"args.{arg}.error", f"argument {arg!r} could not be checked ({type(error).__name__})"
            )
        if refused is not None:
            check, reason = refused
            return Verdict(False, f"args.{arg}.{check}", f"argument {arg!r} {reason}")
    return None
