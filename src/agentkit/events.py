"""Structured events agentkit emits through AutoGen's event logger.

AutoGen logs structured events on the ``autogen_core.events`` logger (``autogen_core.EVENT_LOGGER_NAME``):
``record.msg`` is the event object and ``str(event)`` is its JSON. agentkit does the same, so one
``logging.Handler`` sees AutoGen's ``LLMCallEvent`` and agentkit's events side by side::

    import logging
    from autogen_core import EVENT_LOGGER_NAME
    from agentkit.events import AgentkitEvent

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if isinstance(record.msg, AgentkitEvent):
                print(record.msg.kwargs)

    logging.getLogger(EVENT_LOGGER_NAME).addHandler(Collect())
    logging.getLogger(EVENT_LOGGER_NAME).setLevel(logging.INFO)

Every event has a ``type`` and a flat ``kwargs`` dict of JSON-friendly fields. Events never carry secrets
or message contents: ``kwargs`` (and so ``str()``/``repr()``) is the fields after
:func:`agentkit._redaction.redact_value` (keys too), computed on first access, so an event nobody reads
costs nothing extra.
"""

from __future__ import annotations

import json
import logging
from typing import Any, ClassVar

from autogen_core import EVENT_LOGGER_NAME

from ._redaction import redact_value, safe_default

__all__ = (
    "AdmissionRefusedEvent",
    "AgentkitEvent",
    "BudgetThresholdEvent",
    "CircuitStateEvent",
    "DeadlineEvent",
    "ModelAttemptEvent",
    "ToolDecisionEvent",
    "emit",
)

_event_logger = logging.getLogger(EVENT_LOGGER_NAME)


class AgentkitEvent:
    """Base class: a typed, JSON-serialisable record of something agentkit did."""

    type: ClassVar[str] = "agentkit.Event"

    def __init__(self, **fields: Any) -> None:
        self._fields = fields
        self._kwargs: dict[str, Any] | None = None

    @property
    def kwargs(self) -> dict[str, Any]:
        """``type`` and the event's fields, redacted (secret-looking keys masked, secrets in text masked)."""
        if self._kwargs is None:
            self._kwargs = {"type": self.type, **redact_value(self._fields)}
        return self._kwargs

    def __getitem__(self, key: str) -> Any:
        return self.kwargs[key]

    def __str__(self) -> str:
        return json.dumps(self.kwargs, default=safe_default, sort_keys=True)

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={v!r}" for k, v in self.kwargs.items() if k != "type")
        return f"{type(self).__name__}({fields})"


class ModelAttemptEvent(AgentkitEvent):
    """One attempt of a failover client on one member.

    Fields: ``member``, ``model``, ``attempt`` (1-based per call), ``outcome`` (``"ok"``, ``"retry"``,
    ``"failover"``, ``"raise"``, ``"cancelled"``, ``"hedge_lost"``), ``error_class`` (policy class such as
    ``"rate_limited"``, or ``None``), ``error`` (exception type name), ``latency_s``, ``stream``.
    """

    type = "agentkit.ModelAttempt"


class CircuitStateEvent(AgentkitEvent):
    """A member's circuit breaker changed state. Fields: ``member``, ``state`` (closed/open/half_open), ``until_s``."""

    type = "agentkit.CircuitState"


class BudgetThresholdEvent(AgentkitEvent):
    """A soft budget threshold was crossed (fires once per limit until reset).

    Fields: ``limit``, ``limit_value``, ``observed``, ``fraction``, ``agent``.
    """

    type = "agentkit.BudgetThreshold"


class AdmissionRefusedEvent(AgentkitEvent):
    """A metered client refused a call before spending. Fields: ``limit``, ``limit_value``, ``observed``, ``agent``."""

    type = "agentkit.AdmissionRefused"


class DeadlineEvent(AgentkitEvent):
    """A soft or hard deadline fired.

    Fields: ``kind`` (``"soft"``/``"hard"``), ``deadline_s``, ``elapsed_s``, ``target`` (team or agent name);
    hard stops add ``stopped_after_s``, ``messages`` (kept), ``escalated``, ``stuck`` and ``recovery``; a hard
    deadline already past when the run starts has ``started=False``.
    """

    type = "agentkit.Deadline"


class ToolDecisionEvent(AgentkitEvent):
    """A tool-policy decision.

    Fields: ``tool``, ``arguments`` (redacted), ``decision``, ``rule``, ``reason``, ``agent``, ``time``.
    """

    type = "agentkit.ToolDecision"


def emit(event: AgentkitEvent) -> None:
    """Log ``event`` on AutoGen's event logger at INFO (a no-op when nobody listens)."""
    if _event_logger.isEnabledFor(logging.INFO):
        _event_logger.info(event)
