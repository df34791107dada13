"""``ToolPolicy``: which tools a model may call, with which arguments, how often, and with whose approval."""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, PrivateAttr, ValidationError, field_validator

from .._utils import REDACTED, looks_secret, redact_text
from ..exceptions import ConfigurationError
from ._decode import delivered_forms
from ._errors import one_line, policy_error
from ._names import canonical_glob, canonical_name, is_plain_ascii_name, matches_any
from ._rules import ArgRule, PathRule, ToolRule, UrlRule, _Strict

__all__ = ("ArgRule", "PathRule", "ToolPolicy", "ToolRule", "UrlRule", "Verdict")

_MAY_DECODE = frozenset("[{n \t\n\r")
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


class ToolPolicy(_Strict):
    """One declarative policy for every tool a model can call: function tools, workbenches, MCP servers.

    Load it from a dict (``ToolPolicy.from_dict(d)`` or ``ToolPolicy(**d)``), JSON or YAML
    (``ToolPolicy.from_file("policy.yaml")``; YAML needs ``pip install "autogen-agentkit[yaml]"``). Invalid
    policies fail at load time with a one-line :class:`~agentkit.exceptions.ConfigurationError` naming the file
    (``from_file``), the key and the fix.

    Names: ``allow`` and ``deny`` are globs (``*``, ``?``) over tool names compared in ONE canonical form,
    used for every rule - allow, deny, the keys of ``tools`` (argument rules, limits, approvals, redaction):
    NFKC, confusables folded, case-folded, and every run of characters outside ``[a-z0-9]`` (``-``, ``_``,
    ``.``, spaces) folded to one ``_``. So ``Delete-File``, ``delete.file`` and ``delete_file`` are one tool
    to the policy, and case, Unicode look-alikes, whitespace and separator tricks cannot dodge a rule.
    ``deny`` wins; when ``allow`` is given, every other tool is denied. Keys of ``tools`` are globs too;
    every matching :class:`ToolRule` applies.

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
                raise ValueError(f"{glob!r} is not a tool-name glob. Fix: use a name such as read_file or read_*.")
        return value

    @field_validator("tools")
    @classmethod
    def _keys_valid(cls, value: dict[str, ToolRule]) -> dict[str, ToolRule]:
        for key in value:
            if not canonical_glob(key).strip("_"):
                raise ValueError(f"key {key!r} is not a tool-name glob. Fix: use a name such as read_file or read_*.")
        return value

    @field_validator("redact_patterns")
    @classmethod
    def _patterns_compile(cls, value: list[str]) -> list[str]:
        for pattern in value:
            try:
                re.compile(pattern)
            except re.error as error:
                raise ValueError(
                    f"{pattern!r} is not a valid regular expression ({error}). Fix: correct the pattern."
                ) from None
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
    def from_dict(cls, data: Mapping[str, Any], *, source: str | None = None) -> ToolPolicy:
        """Build a policy from a mapping.

        Args:
            data: The policy.
            source: Where it came from (a file name), named in errors.

        Raises:
            ConfigurationError: One line naming the source, the key, the problem and the fix.
        """
        if not isinstance(data, Mapping):
            raise ConfigurationError(
                source or "policy", f"must be a mapping, got {type(data).__name__}.", "Start it with e.g. 'allow:'."
            )
        try:
            return cls.model_validate(dict(data))
        except ValidationError as error:
            raise policy_error(error, source) from None

    @classmethod
    def from_json(cls, text: str, *, source: str | None = None) -> ToolPolicy:
        """Build a policy from a JSON document (errors as :meth:`from_dict`)."""
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise ConfigurationError(
                source or "policy",
                f"is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg}).",
                "Fix the JSON syntax.",
            ) from None
        return cls.from_dict(data, source=source)

    @classmethod
    def from_yaml(cls, text: str, *, source: str | None = None) -> ToolPolicy:
        """Build a policy from a YAML document (needs ``pip install "autogen-agentkit[yaml]"``)."""
        try:
            import yaml
        except ImportError:  # pragma: no cover - depends on the environment
            raise ConfigurationError(
                source or "policy",
                "YAML policies need pyyaml, which is not installed.",
                'Run: pip install "autogen-agentkit[yaml]"',
            ) from None
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
            problem = one_line(str(getattr(error, "problem", None) or "syntax error"))
            raise ConfigurationError(
                source or "policy", f"is not valid YAML{where}: {problem}.", "Fix the YAML syntax."
            ) from None
        return cls.from_dict(data, source=source)

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> ToolPolicy:
        """Load a policy from a ``.json``, ``.yaml`` or ``.yml`` file; errors name the file, key and fix."""
        file = Path(path)
        source = str(file)
        suffix = file.suffix.lower()
        if suffix not in (".json", ".yaml", ".yml"):
            raise ConfigurationError(
                source, f"unknown policy file type {suffix or '(none)'!r}.", "Use a .json, .yaml or .yml file."
            )
        try:
            text = file.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ConfigurationError(source, "does not exist.", "Check the path.") from None
        except (OSError, UnicodeError) as error:
            raise ConfigurationError(
                source, f"cannot be read ({type(error).__name__}).", "Check the path and that it is UTF-8 text."
            ) from None
        if suffix == ".json":
            return cls.from_json(text, source=source)
        return cls.from_yaml(text, source=source)

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

    def check_arguments(self, name: str, arguments: Any, *, non_string: frozenset[str] = frozenset()) -> Verdict:
        """Check a call's arguments: structure, size and depth limits, then every applicable argument rule.

        Arguments are judged as the tool will receive them: a string that FastMCP would JSON-decode (an array,
        object or ``null`` in JSON) is judged decoded as well, and path and URL rules apply to every string
        inside lists and objects.

        Args:
            name: The tool name.
            arguments: The call's arguments.
            non_string: Parameters whose JSON schema rules out a string (a decodable string given for one of
                them is judged only decoded); :class:`PolicyWorkbench` takes them from the tool schemas.
        """
        rules = tuple(rule for _, rule in self.rules_for(name))
        return self.check_arguments_against(rules, arguments, non_string=non_string)

    def check_arguments_against(
        self, rules: tuple[ToolRule, ...], arguments: Any, *, non_string: frozenset[str] = frozenset()
    ) -> Verdict:
        """Like :meth:`check_arguments` with the applicable rules already looked up (the workbench caches them)."""
        structural = self._check_structure(arguments)
        if structural is not None:
            return structural
        for rule in rules:
            verdict = _check_rule(rule, arguments, non_string)
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
                text = redact_text(str(key))[:_AUDIT_STRING]  # redact before cutting: no half-token survives
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


def _check_rule(rule: ToolRule, arguments: Mapping[str, Any], non_string: frozenset[str]) -> Verdict | None:
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
            # every form the tool may receive must pass: the value as sent and, where FastMCP would
            # JSON-decode it, the decoded value
            refused = None
            value = arguments[arg]
            # only a string starting like a JSON array, object or null (after JSON whitespace) can decode
            decodable = isinstance(value, str) and value[:1] in _MAY_DECODE
            for form in delivered_forms(value, arg not in non_string) if decodable else (value,):
                refused = arg_rule.check(form)
                if refused is not None:
                    break
        except Exception as error:  # fail closed: any error while checking (deep JSON included) denies
            return Verdict(
                False, f"args.{arg}.error", f"argument {arg!r} could not be checked ({type(error).__name__})"
            )
        if refused is not None:
            check, reason = refused
            return Verdict(False, f"args.{arg}.{check}", f"argument {arg!r} {reason}")
    return None
