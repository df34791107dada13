"""Human (or programmatic) approval of tool calls: the request, the decision and the callback type."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ("ApprovalCallback", "ApprovalDecision", "ApprovalRequest")


@dataclass(frozen=True)
class ApprovalRequest:
    """What the approval callback is asked to decide.

    Attributes:
        tool: Name of the tool the model wants to call.
        arguments: The call's arguments, unredacted (the approver is trusted; do not log them as they are).
        agent: The calling agent, if known.
        call_id: The model's tool-call id, if any.
    """

    tool: str
    arguments: Mapping[str, Any]
    agent: str | None = None
    call_id: str | None = None


@dataclass(frozen=True)
class ApprovalDecision:
    """The approval callback's answer. Build it with :meth:`approve`, :meth:`deny` or :meth:`edit`.

    A callback may also return ``True`` (approve) or ``False`` (deny). Anything else, an exception or a
    timeout denies the call.

    Attributes:
        action: ``"approve"``, ``"deny"`` or ``"edit"``.
        reason: Why (shown to the model when denied).
        arguments: The replacement arguments for ``"edit"`` (re-checked against the policy's rules).
    """

    action: Literal["approve", "deny", "edit"]
    reason: str = ""
    arguments: Mapping[str, Any] | None = field(default=None)

    @classmethod
    def approve(cls, reason: str = "") -> ApprovalDecision:
        """Let the call run as the model asked."""
        return cls("approve", reason)

    @classmethod
    def deny(cls, reason: str = "denied by the approver") -> ApprovalDecision:
        """Refuse the call; ``reason`` is returned to the model."""
        return cls("deny", reason)

    @classmethod
    def edit(cls, arguments: Mapping[str, Any], reason: str = "") -> ApprovalDecision:
        """Run the call with these arguments instead (they must pass the policy's argument rules too)."""
        return cls("edit", reason, dict(arguments))


ApprovalCallback = Callable[[ApprovalRequest], Awaitable["ApprovalDecision | bool"]]
"""``async def approve(request: ApprovalRequest) -> ApprovalDecision | bool``."""
