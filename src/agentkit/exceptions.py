"""Every exception agentkit raises, in one place.

The tree::

    AgentkitError (Exception)
    ├── ConfigurationError (also ValueError)        bad input, raised at construction time where possible
    │   ├── MissingEnvironmentVariableError         a config refers to an environment variable that is not set
    │   └── MissingExtraError (also ImportError)    an optional dependency is not installed (names the extra)
    ├── BudgetExceededError                         admission control refused a model call before spending
    ├── DeadlineExceededError (also TimeoutError)   a hard deadline passed
    ├── ModelClientError                            failures of agentkit's model clients
    │   ├── IncompleteStreamError                   a stream broke after its first chunk reached the caller
    │   ├── NoEligibleMemberError                   no failover member can serve this request (with reasons)
    │   ├── ContentFilteredError                    a member refused to answer (content filter / refusal)
    │   └── FailoverError (also ExceptionGroup)     every failover member failed; holds each member's error
    ├── ToolPolicyError                             a tool policy refused a call (when configured to raise)
    │   └── ToolCallDeniedError
    ├── MigrationError                              pyautogen v0.2 migration failures
    │   └── ConfigTranslationError                  malformed or unsupported v0.2 configuration
    └── StoreUnavailableError                       a shared store (Redis) is unreachable and fail-closed

Every error carries its context as keyword-only attributes and never holds a secret: every message (and
every text attribute such as ``problem`` or ``reason``) goes through :func:`agentkit._redaction.redact_text`
when the error is built, and ``str()``/``repr()`` of a :class:`FailoverError` redact each member's error text
(a provider's error body often quotes the key it refused).
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from typing import Any

from ._redaction import redact_text

if sys.version_info >= (3, 11):  # pragma: no cover - depends on the interpreter
    from builtins import ExceptionGroup
else:  # pragma: no cover - depends on the interpreter
    from exceptiongroup import ExceptionGroup

__all__ = (
    "AgentkitError",
    "BudgetExceededError",
    "ConfigTranslationError",
    "ConfigurationError",
    "ContentFilteredError",
    "DeadlineExceededError",
    "FailoverError",
    "IncompleteStreamError",
    "MigrationError",
    "MissingEnvironmentVariableError",
    "MissingExtraError",
    "ModelClientError",
    "NoEligibleMemberError",
    "StoreUnavailableError",
    "ToolCallDeniedError",
    "ToolPolicyError",
)


class AgentkitError(Exception):
    """Root of every exception raised by agentkit (its text arguments are redacted as it is built)."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*(redact_text(arg) if isinstance(arg, str) else arg for arg in args))


class ConfigurationError(AgentkitError, ValueError):
    """A value given to agentkit is invalid.

    The message names the field, what is wrong with the value and how to fix it, e.g.
    ``max_cost_usd: must be >= 0, got -1. Pass a non-negative amount or None for no limit.``

    Attributes:
        field: Dotted name of the offending parameter or config key.
        problem: What is wrong with the value.
        fix: How to fix it.
    """

    def __init__(self, field: str, problem: str, fix: str = "") -> None:
        self.field = redact_text(field)
        self.problem = redact_text(problem)
        self.fix = redact_text(fix)
        message = f"{self.field}: {self.problem}"
        if fix:
            message += f" {self.fix}"
        Exception.__init__(self, message)  # parts redacted one by one: "field: problem" is not a key: value

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.field, self.problem, self.fix))


class MissingEnvironmentVariableError(ConfigurationError):
    """A configuration refers to an environment variable that is not set.

    Attributes:
        variable: Name of the missing environment variable.
    """

    def __init__(self, variable: str, field: str = "api_key") -> None:
        self.variable = variable
        super().__init__(
            field,
            f"the environment variable {variable} is not set.",
            f"Set {variable} (e.g. `export {variable}=...`) before loading this configuration.",
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.variable, self.field))


class BudgetExceededError(AgentkitError):
    """A model call was refused before spending because it would cross a hard budget.

    Attributes:
        limit: Name of the limit, e.g. ``"max_cost_usd"``.
        limit_value: The configured value of the limit.
        observed: What was spent (or would be spent, for a worst-case refusal) when the call was refused.
        agent: The agent the limit applies to, or ``None`` for a run-wide limit.
    """

    def __init__(self, message: str, *, limit: str, limit_value: Any, observed: Any, agent: str | None = None) -> None:
        self.limit = limit
        self.limit_value = limit_value
        self.observed = observed
        self.agent = agent
        super().__init__(message)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.args, self.__dict__))


class DeadlineExceededError(AgentkitError, TimeoutError):
    """A hard deadline passed.

    Attributes:
        deadline_s: The deadline in seconds (relative to the start of the run), if known.
        elapsed_s: How long the run had taken when the deadline fired.
    """

    def __init__(self, message: str, *, deadline_s: float | None = None, elapsed_s: float | None = None) -> None:
        self.deadline_s = deadline_s
        self.elapsed_s = elapsed_s
        super().__init__(message)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.args, self.__dict__))


class ModelClientError(AgentkitError):
    """Base class for failures of agentkit's model clients."""


class IncompleteStreamError(ModelClientError):
    """A stream broke (cut, stalled or malformed) after its first chunk reached the caller.

    agentkit never turns a broken stream into a truncated "success": the caller gets this error with what
    had been received.

    Attributes:
        partial_text: The text chunks received before the stream broke, joined.
        usage: Token usage reported or estimated for the partial answer, if any.
        member: Name of the member client whose stream broke.
        model: Model name of that member.
        tool_call_started: Whether a tool-call delta had been received (then no restart is attempted).
    """

    def __init__(
        self,
        message: str,
        *,
        partial_text: str = "",
        usage: Any = None,
        member: str | None = None,
        model: str | None = None,
        tool_call_started: bool = False,
    ) -> None:
        self.partial_text = partial_text
        self.usage = usage
        self.member = member
        self.model = model
        self.tool_call_started = tool_call_started
        super().__init__(message)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.args, self.__dict__))


class NoEligibleMemberError(ModelClientError):
    """No failover member can serve this request.

    Attributes:
        reasons: For each member name, why it was skipped (e.g. "no vision support").
    """

    def __init__(self, reasons: Mapping[str, str]) -> None:
        self.reasons = {redact_text(str(name)): redact_text(str(why)) for name, why in reasons.items()}
        lines = "; ".join(f"{name}: {why}" for name, why in self.reasons.items())
        Exception.__init__(self, f"No member can serve this request ({lines}).")  # parts redacted above

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.reasons,))


class FailoverError(ExceptionGroup[Exception], ModelClientError):
    """Every member of a failover chain failed.

    An ``ExceptionGroup``: ``except*`` and ``.exceptions`` give each member's own error (the SDK's
    exception types are kept). The primary's error is always first, so it is never masked by a
    fallback's. ``str()`` is a one-line-per-member summary.

    Attributes:
        attempts: One ``(member, error)`` pair per failed attempt, in the order they were made.
    """

    attempts: list[tuple[str, Exception]]

    def __new__(
        cls, message: str, exceptions: Sequence[Exception], attempts: Sequence[tuple[str, Exception]] = ()
    ) -> FailoverError:
        """Create the group; ``attempts`` pairs each error with the member that raised it."""
        self = super().__new__(cls, redact_text(message), list(exceptions))
        self.attempts = list(attempts)
        return self

    def __init__(
        self, message: str, exceptions: Sequence[Exception], attempts: Sequence[tuple[str, Exception]] = ()
    ) -> None:
        super().__init__(redact_text(message), list(exceptions))

    def derive(self, excs: Sequence[Exception]) -> FailoverError:  # type: ignore[override]
        """Build a group with a subset of the exceptions (used by ``except*``)."""
        return FailoverError(self.message, excs, [(m, e) for m, e in self.attempts if e in excs])

    def __str__(self) -> str:
        lines = [self.message]
        for member, error in self.attempts:
            lines.append(f"  - {redact_text(str(member))}: {type(error).__name__}: {redact_text(str(error))}")
        if not self.attempts:
            lines.extend(f"  - {type(e).__name__}: {redact_text(str(e))}" for e in self.exceptions)
        return "\n".join(lines)

    def __repr__(self) -> str:
        members = ", ".join(f"{type(e).__name__}({redact_text(str(e))!r})" for e in self.exceptions)
        return f"{type(self).__name__}({self.message!r}, [{members}])"


class ToolPolicyError(AgentkitError):
    """Base class for tool-policy refusals raised as exceptions (by default they are returned to the model)."""


class ToolCallDeniedError(ToolPolicyError):
    """A tool call was refused by a ``ToolPolicy``.

    Attributes:
        tool: Name of the tool the model tried to call.
        reason: Human-readable reason, as the model would see it.
        rule: Identifier of the rule that refused the call (e.g. ``"deny"``, ``"args.path.within"``).
    """

    def __init__(self, tool: str, reason: str, *, rule: str) -> None:
        self.tool = redact_text(tool)
        self.reason = redact_text(reason)
        self.rule = redact_text(rule)
        Exception.__init__(self, f"Tool call {self.tool!r} denied by policy rule {self.rule!r}: {self.reason}")

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.args, self.__dict__))


class MigrationError(AgentkitError):
    """Base class for pyautogen v0.2 migration failures."""


class ConfigTranslationError(MigrationError, ValueError):
    """A v0.2 configuration cannot be translated.

    The message gives the location (file, entry index, key), the problem and the fix.

    Attributes:
        location: Where the problem is, e.g. ``"OAI_CONFIG_LIST[2].api_type"``.
        problem: What is wrong.
        fix: How to fix it.
    """

    def __init__(self, location: str, problem: str, fix: str = "") -> None:
        self.location = redact_text(location)
        self.problem = redact_text(problem)
        self.fix = redact_text(fix)
        message = f"{self.location}: {self.problem}"
        if fix:
            message += f" {self.fix}"
        Exception.__init__(self, message)  # parts redacted one by one: "location: problem" is not a key: value

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.location, self.problem, self.fix))


class StoreUnavailableError(AgentkitError):
    """A shared store (Redis) could not be reached within its timeout.

    Raised from a model call when the store is fail-closed (``on_unavailable="closed"``): the call was refused
    before spending. The message names the store (password redacted) and the cause.

    Attributes:
        store: The store's URL, password redacted.
        operation: What failed (``"admit"``, ``"settle"``, ``"circuit"``, ...).
        mode: The store's failure mode (``"closed"`` or ``"open"``).
    """

    def __init__(self, message: str, *, store: str = "", operation: str = "", mode: str = "closed") -> None:
        self.store = redact_text(store)
        self.operation = operation
        self.mode = mode
        super().__init__(redact_text(message))

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.args, self.__dict__))


class MissingExtraError(ConfigurationError, ImportError):
    """An optional dependency is not installed; the message names the package extra that installs it.

    For example ``agentkit demo --live: needs the 'openai' package, which is not installed. Install it with:
    pip install "autogen-agentkit[openai]"``. Also an :class:`ImportError`, so code that handles a failed
    import keeps working. Raised by :func:`agentkit._extras.require`.

    Attributes:
        module: The module that could not be imported.
        extra: The package extra that installs it (``"openai"``, ``"azure"``, ...).
    """

    def __init__(self, module: str, extra: str, feature: str = "", problem: str = "") -> None:
        self.module = module
        self.extra = extra
        super().__init__(
            feature or module,
            problem or f"needs the {module!r} package, which is not installed.",
            f'Install it with: pip install "autogen-agentkit[{extra}]"',
        )
        self.name = module

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.module, self.extra, self.field, self.problem))


def _rebuild(cls: type[BaseException], args: tuple[Any, ...], state: dict[str, Any]) -> BaseException:
    error = cls.__new__(cls, *args)
    BaseException.__init__(error, *args)
    error.__dict__.update(state)
    return error


class ContentFilteredError(ModelClientError):
    """A member refused to answer: OpenAI ``finish_reason="content_filter"``, Anthropic ``stop_reason="refusal"``.

    Raised by the failover client under the default policy (``content_filter: raise``), in ``create`` and
    ``create_stream`` alike, instead of returning an empty or partial answer as a success.

    Attributes:
        member: Name of the member that refused.
        model: Model name of that member.
        stop_reason: The provider's reason (``"content_filter"`` or ``"refusal"``).
        partial_text: Text the caller had already received from a stream (``""`` for ``create``).
        usage: Token usage the provider reported for the refused request.
    """

    def __init__(
        self,
        message: str,
        *,
        member: str | None = None,
        model: str | None = None,
        stop_reason: str | None = None,
        partial_text: str = "",
        usage: Any = None,
    ) -> None:
        self.member = member
        self.model = model
        self.stop_reason = stop_reason
        self.partial_text = partial_text
        self.usage = usage
        super().__init__(message)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.args, self.__dict__))
