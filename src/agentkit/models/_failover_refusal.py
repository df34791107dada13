"""Failover refusals: an answer that is a refusal (``content_filter``, Anthropic's ``refusal``) is a failure.

A mixin of :class:`~agentkit.models.FailoverChatCompletionClient` (its state is the client's own). OpenAI
reports a refusal as ``finish_reason="content_filter"``; Anthropic's ``stop_reason="refusal"`` reaches
AutoGen's ``CreateResult`` as ``"unknown"``, so it is read off the wire (``_wire_tap``). Never an empty
success: the policy's ``content_filter`` action decides (by default the refusal is raised).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from autogen_core.models import CreateResult

from ..exceptions import ContentFilteredError
from ._failover_accounting import FailoverAccounting
from ._failover_call import Call, Failure, outcome_of
from ._failover_plan import FailoverPlanning
from ._policy import PolicyAction
from ._wire_tap import WireRecord

if TYPE_CHECKING:
    from ._failover_member import Member

__all__ = ("FailoverRefusals",)


class FailoverRefusals(FailoverPlanning, FailoverAccounting):
    """Refusal methods of the failover client (with its planning and accounting)."""

    def _refusal(
        self, member: Member, result: CreateResult, slot: WireRecord | None, partial: Sequence[str]
    ) -> ContentFilteredError | None:
        """A :class:`ContentFilteredError` when ``result`` is a refusal, else ``None`` (one comparison)."""
        if result.finish_reason == "content_filter":
            reason = "content_filter"
        elif (
            slot is not None
            and result.finish_reason == "unknown"
            and (
                slot.stop_reason == "refusal"
                # A ChatCompletionCache replaying an Anthropic refusal makes no request to read it off: the
                # stored result is what a refusal becomes in AutoGen (empty, finish reason "unknown").
                or (result.cached and not result.content and member.anthropic)
            )
        ):
            reason = "refusal"
        else:
            return None
        return ContentFilteredError(
            f"{member.name} refused to answer ({reason})",
            member=member.name,
            model=member.model,
            stop_reason=reason,
            partial_text="".join(partial),
            usage=result.usage,
        )

    def _refused(self, member: Member, call: Call, refused: ContentFilteredError, started: float) -> Failure:
        """A refusal before any text reached the caller: the policy's ``content_filter`` action decides."""
        error_class, action = self._decide(refused)
        member.breaker.release()
        action = PolicyAction.FAILOVER if action is PolicyAction.RETRY else action
        self._record_failed(member, call, refused, error_class, outcome_of(action), started, refused.usage)
        return Failure(refused, error_class, action)  # raised by _after_failure when the action is RAISE
