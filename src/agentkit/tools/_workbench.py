"""``PolicyWorkbench``: applies a ``ToolPolicy`` to any AutoGen ``Workbench`` (and to plain tool lists)."""

from __future__ import annotations

import asyncio
import logging
import os
import re
import threading
from collections.abc import AsyncGenerator, Callable, Mapping, Sequence
from typing import Any

from autogen_core import EVENT_LOGGER_NAME, CancellationToken, Component, ComponentModel
from autogen_core.tools import (
    BaseTool,
    FunctionTool,
    StaticStreamWorkbench,
    TextResultContent,
    ToolResult,
    ToolSchema,
    Workbench,
)
from autogen_core.tools._workbench import StreamWorkbench
from pydantic import BaseModel, Field
from typing_extensions import Self

from .._clock import SYSTEM_CLOCK, Clock
from .._redaction import redact_text
from ..events import ToolDecisionEvent, emit
from ..exceptions import ConfigurationError, ToolCallDeniedError
from ._approval import ApprovalCallback, ApprovalDecision, ApprovalRequest
from ._audit import AuditSink, JsonlAuditSink, ToolDecision
from ._decode import non_string_parameters
from ._names import canonical_name
from ._policy import ALLOWED, ToolPolicy, ToolRule, Verdict
from ._termination import record_stop_refusal

__all__ = ("PolicyWorkbench", "PolicyWorkbenchConfig", "check_handoffs", "guard_tools")

_log = logging.getLogger("agentkit.tools")
_event_logger = logging.getLogger(EVENT_LOGGER_NAME)
_NONE: frozenset[str] = frozenset()
_STOPPED = Verdict(False, "stopped", "an earlier call was refused and the policy stops the run")
_TEAM_SUFFIX = re.compile(r"_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


class _Plan:
    """The name-level part of a decision, cached per tool name."""

    __slots__ = ("approval", "key", "limit", "rules", "verdict")

    def __init__(
        self, verdict: Verdict, key: str, rules: tuple[ToolRule, ...], limit: int | None, approval: bool
    ) -> None:
        self.verdict = verdict
        self.key = key
        self.rules = rules
        self.limit = limit
        self.approval = approval


class PolicyWorkbenchConfig(BaseModel):
    """Serialisable configuration of :class:`PolicyWorkbench`.

    Not serialised: the approval callback, custom audit sinks and the clock (pass them again after loading).
    """

    workbench: ComponentModel
    policy: ToolPolicy = Field(default_factory=ToolPolicy)
    agent: str | None = None
    audit_path: str | None = None
    advertise_denied: bool = False


class PolicyWorkbench(StaticStreamWorkbench, Component[PolicyWorkbenchConfig]):
    """A workbench that enforces a :class:`ToolPolicy` on another workbench's tools.

    - ``list_tools()`` only advertises tools the policy lets the model call.
    - ``call_tool()`` refuses, before the inner workbench sees it, any call whose name is not *exactly* one of
      the inner workbench's advertised tools (hallucinated or injected names, look-alikes) or is denied, whose
      arguments break a rule, that would exceed a call limit, or that the approval callback does not approve.
      A refusal becomes an error ``ToolResult`` the model reads (or an exception / the end of the run; see
      :attr:`ToolPolicy.on_deny`). Any error while evaluating the policy refuses the call (fail closed).
    - Arguments are judged as the tool will receive them: the tool schemas from ``list_tools()`` say which
      parameters cannot be strings, and a string FastMCP would JSON-decode is judged decoded (see
      :meth:`ToolPolicy.check_arguments`).
    - Every decision is recorded: a :class:`~agentkit.events.ToolDecisionEvent` on AutoGen's event logger and
      one :class:`ToolDecision` per audit sink, with redacted arguments. If writing the audit record of an
      allowed call fails, the call is refused.

    It subclasses ``StaticStreamWorkbench`` only because ``AssistantAgent`` streams tool events solely through
    that class: streaming tools keep streaming through the policy. It has no tools of its own.

    Call limits count per ``PolicyWorkbench`` instance from construction or the last :meth:`reset` /
    :meth:`reset_limits`. AutoGen does not reset workbenches when a team or agent is reset, so call
    ``await workbench.reset()`` between runs when limits are meant "per run".

    Handoffs are not tools of any workbench: ``AssistantAgent`` executes them directly, so a policy cannot
    see or block them. Use :func:`check_handoffs` to refuse denied handoff targets at construction time.

    Args:
        workbench: The workbench to guard (``StaticWorkbench``, ``McpWorkbench``, ...).
        policy: A :class:`ToolPolicy` or a mapping validated into one.
        approval: ``async (ApprovalRequest) -> ApprovalDecision | bool`` for tools that require approval.
            Without it such calls are refused. Not serialised.
        audit: Extra audit sinks (objects with ``write(ToolDecision)``). Not serialised.
        audit_path: Append every decision to this JSON-lines file (serialised).
        agent: Agent name recorded in decisions; by default taken from the AutoGen runtime when available.
        advertise_denied: Also list tools the policy denies by name. Off by default (the model should not see
            them). ``AssistantAgent`` only routes a call to a workbench that lists the tool, so with the default
            a call to a hidden tool is refused by the agent itself ("tool 'x' not found in any workbench") and
            never reaches this workbench or its audit trail; turn this on to have such calls refused *and
            audited* here.
        clock: Clock for the approval timeout (inject ``ManualClock`` in tests). Not serialised.
    """

    component_type = "workbench"
    component_config_schema = PolicyWorkbenchConfig  # type: ignore[assignment]
    component_provider_override = "agentkit.tools.PolicyWorkbench"

    def __init__(
        self,
        workbench: Workbench,
        policy: ToolPolicy | Mapping[str, Any],
        *,
        approval: ApprovalCallback | None = None,
        audit: AuditSink | Sequence[AuditSink] | None = None,
        audit_path: str | os.PathLike[str] | None = None,
        agent: str | None = None,
        advertise_denied: bool = False,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        super().__init__([])
        if not isinstance(workbench, Workbench):
            raise ConfigurationError(
                "workbench",
                f"must be an autogen_core.tools.Workbench, got {type(workbench).__name__}.",
                "Pass e.g. StaticWorkbench(tools) or McpWorkbench(params), or use guard_tools(tools, policy).",
            )
        if not isinstance(policy, ToolPolicy):
            if not isinstance(policy, Mapping):
                raise ConfigurationError(
                    "policy", f"must be a ToolPolicy or a mapping, got {type(policy).__name__}.", "See ToolPolicy."
                )
            policy = ToolPolicy.from_dict(policy)
        if approval is not None and not callable(approval):
            raise ConfigurationError(
                "approval", "must be an async callable.", "Pass `async def approve(request): ...`."
            )
        sinks = [] if audit is None else [audit] if isinstance(audit, AuditSink) else list(audit)
        for sink in sinks:
            if not isinstance(sink, AuditSink):
                raise ConfigurationError("audit", f"{sink!r} has no write(record) method.", "Pass an AuditSink.")
        self._audit_path = os.fspath(audit_path) if audit_path is not None else None
        self._own_sink = JsonlAuditSink(self._audit_path) if self._audit_path is not None else None
        if self._own_sink is not None:
            sinks.append(self._own_sink)
        self._inner = workbench
        self._policy = policy
        self._approval = approval
        self._sinks: tuple[AuditSink, ...] = tuple(sinks)
        self._agent_name = agent
        self._advertise_denied = bool(advertise_denied)
        self._clock = clock
        self._lock = threading.Lock()
        self._counts: dict[str, int] = {}
        self._total = 0
        self._stopped = False
        self._catalogue: frozenset[str] = frozenset()
        self._non_string: dict[str, frozenset[str]] = {}
        self._plans: dict[str, _Plan] = {}

    # -- public API ----------------------------------------------------------------------------------------

    @classmethod
    def from_tools(
        cls,
        tools: BaseTool[Any, Any] | Callable[..., Any] | Sequence[BaseTool[Any, Any] | Callable[..., Any]],
        policy: ToolPolicy | Mapping[str, Any],
        **kwargs: Any,
    ) -> PolicyWorkbench:
        """Guard one tool or a plain tool list (what you would pass as ``AssistantAgent(tools=...)``).

        Callables become ``FunctionTool(func, description=func.__doc__ or "")``, as ``AssistantAgent`` does.
        Pass the result as ``AssistantAgent(workbench=...)``. Keyword arguments go to the constructor.

        Raises:
            ConfigurationError: ``tools`` is neither a tool, a callable nor a list of them.
        """
        given: object = tools
        if isinstance(given, BaseTool) or (callable(given) and not isinstance(given, (list, tuple))):
            given = [given]
        if isinstance(given, (str, bytes)) or not isinstance(given, Sequence):
            raise ConfigurationError(
                "tools",
                f"must be a tool, a function or a list of them, got {type(given).__name__}.",
                "Pass e.g. guard_tools([read_file, fetch], policy).",
            )
        built: list[BaseTool[Any, Any]] = []
        for index, tool in enumerate(given):
            if isinstance(tool, BaseTool):
                built.append(tool)
            elif callable(tool):
                built.append(FunctionTool(tool, description=tool.__doc__ or ""))
            else:
                raise ConfigurationError(
                    f"tools[{index}]",
                    f"is not a tool or callable: {type(tool).__name__}.",
                    "Pass functions or autogen_core.tools.BaseTool instances.",
                )
        return cls(StaticStreamWorkbench(built), policy, **kwargs)

    @property
    def policy(self) -> ToolPolicy:
        """The policy being enforced."""
        return self._policy

    @property
    def inner(self) -> Workbench:
        """The guarded workbench."""
        return self._inner

    @property
    def call_counts(self) -> dict[str, int]:
        """Calls let through since the last reset, per tool (canonical name), plus ``"*"`` for the total."""
        with self._lock:
            return {**self._counts, "*": self._total}

    def reset_limits(self) -> None:
        """Reset the call counters and lift a ``"stop"``-mode halt (the inner workbench is left alone)."""
        with self._lock:
            self._counts.clear()
            self._total = 0
            self._stopped = False

    # -- Workbench -------------------------------------------------------------------------------------------

    async def list_tools(self) -> list[ToolSchema]:
        """The inner workbench's tools that the policy lets the model call."""
        schemas = await self._inner.list_tools()
        self._catalogue = frozenset(s["name"] for s in schemas)
        # which parameters cannot be strings: a decodable string sent for one is judged decoded only
        self._non_string = {s["name"]: non_string_parameters(s.get("parameters")) for s in schemas}
        if self._advertise_denied:
            return list(schemas)
        allowed: list[ToolSchema] = []
        for schema in schemas:
            try:
                if self._policy.check_name(schema["name"]).allowed:
                    allowed.append(schema)
            except Exception:  # fail closed: a name the policy cannot judge is not advertised
                _log.warning("tool policy could not judge tool name; hiding it", exc_info=True)
        return allowed

    async def call_tool(
        self,
        name: str,
        arguments: Mapping[str, Any] | None = None,
        cancellation_token: CancellationToken | None = None,
        call_id: str | None = None,
    ) -> ToolResult:
        """Check the call against the policy, then run it on the inner workbench or return the refusal."""
        refusal, arguments = await self._admit(name, arguments, call_id)
        if refusal is not None:
            return refusal
        return await self._inner.call_tool(name, arguments, cancellation_token, call_id)

    async def call_tool_stream(
        self,
        name: str,
        arguments: Mapping[str, Any] | None = None,
        cancellation_token: CancellationToken | None = None,
        call_id: str | None = None,
    ) -> AsyncGenerator[Any | ToolResult, None]:
        """Like :meth:`call_tool`, streaming the inner workbench's events when it is a ``StreamWorkbench``."""
        refusal, arguments = await self._admit(name, arguments, call_id)
        if refusal is not None:
            yield refusal
            return
        if isinstance(self._inner, StreamWorkbench):
            async for event in self._inner.call_tool_stream(name, arguments, cancellation_token, call_id):
                yield event
        else:
            yield await self._inner.call_tool(name, arguments, cancellation_token, call_id)

    async def start(self) -> None:
        """Start the inner workbench."""
        await self._inner.start()

    async def stop(self) -> None:
        """Stop the inner workbench and close the ``audit_path`` file (reopened on the next decision)."""
        if self._own_sink is not None:
            self._own_sink.close()
        await self._inner.stop()

    async def reset(self) -> None:
        """Reset the call counters (see :meth:`reset_limits`) and the inner workbench."""
        self.reset_limits()
        await self._inner.reset()

    async def save_state(self) -> Mapping[str, Any]:
        """The inner workbench's state plus the call counters."""
        with self._lock:
            counters = {"counts": dict(self._counts), "total": self._total, "stopped": self._stopped}
        return {"type": "PolicyWorkbenchState", "inner": await self._inner.save_state(), **counters}

    async def load_state(self, state: Mapping[str, Any]) -> None:
        """Restore what :meth:`save_state` returned."""
        await self._inner.load_state(state.get("inner", {}))
        with self._lock:
            self._counts = {str(k): int(v) for k, v in dict(state.get("counts", {})).items()}
            self._total = int(state.get("total", 0))
            self._stopped = bool(state.get("stopped", False))

    def _to_config(self) -> PolicyWorkbenchConfig:  # type: ignore[override]
        return PolicyWorkbenchConfig(
            workbench=self._inner.dump_component(),
            policy=self._policy,
            agent=self._agent_name,
            audit_path=self._audit_path,
            advertise_denied=self._advertise_denied,
        )

    @classmethod
    def _from_config(cls, config: PolicyWorkbenchConfig) -> Self:  # type: ignore[override]
        return cls(
            Workbench.load_component(config.workbench),
            config.policy,
            agent=config.agent,
            audit_path=config.audit_path,
            advertise_denied=config.advertise_denied,
        )

    def __repr__(self) -> str:
        return f"PolicyWorkbench({type(self._inner).__name__}, allow={self._policy.allow}, deny={self._policy.deny})"

    # -- decision ----------------------------------------------------------------------------------------------

    def _plan(self, name: Any) -> _Plan:
        """What the policy says about a tool name, computed once per name (the policy is immutable)."""
        plan = self._plans.get(name) if isinstance(name, str) else None
        if plan is not None:
            return plan
        policy = self._policy
        if not isinstance(name, str):
            return _Plan(Verdict(False, "name.invalid", "the tool name is not a string"), "", (), None, False)
        rules = tuple(rule for _, rule in policy.rules_for(name))
        limits = [rule.max_calls for rule in rules if rule.max_calls is not None]
        plan = _Plan(
            policy.check_name(name),
            canonical_name(name),
            rules,
            min(limits) if limits else None,
            any(rule.require_approval for rule in rules),
        )
        if len(self._plans) < 4096:
            self._plans[name] = plan
        return plan

    async def _admit(
        self, name: str, arguments: Mapping[str, Any] | None, call_id: str | None
    ) -> tuple[ToolResult | None, Mapping[str, Any]]:
        """Decide; return ``(refusal, arguments_to_use)``. Records the decision. Never lets an error through."""
        args: Mapping[str, Any] = {} if arguments is None else arguments
        agent = self._agent()
        approval: str | None = None
        plan: _Plan | None = None
        try:
            plan = self._plan(name)
            verdict, args, approval = await self._decide(name, plan, args, agent, call_id)
        except asyncio.CancelledError:
            raise
        except Exception as error:  # fail closed
            verdict = Verdict(False, "error", f"the policy could not be evaluated ({type(error).__name__})")
        if not verdict.allowed:
            self._halt_if_stopping()
        audited = self._record(name, args, verdict, agent, call_id, approval)
        if verdict.allowed and not audited:
            if plan is not None:
                self._release(plan)
            verdict = Verdict(False, "audit.error", "the decision could not be written to the audit trail")
            self._halt_if_stopping()
            self._record(name, args, verdict, agent, call_id, approval)
        if verdict.allowed:
            return None, args
        return self._refuse(name, verdict, call_id), args

    async def _decide(
        self, name: str, plan: _Plan, args: Mapping[str, Any], agent: str | None, call_id: str | None
    ) -> tuple[Verdict, Mapping[str, Any], str | None]:
        if self._stopped:
            return _STOPPED, args, None
        if not plan.verdict.allowed:
            return plan.verdict, args, None
        if name not in self._catalogue:
            await self.list_tools()  # the inner catalogue may have changed (MCP servers can add tools)
            if name not in self._catalogue:
                return Verdict(False, "unknown_tool", "no tool of that exact name is available"), args, None
        verdict = self._policy.check_arguments_against(plan.rules, args, non_string=self._non_string.get(name, _NONE))
        if not verdict.allowed:
            return verdict, args, None
        verdict = self._check_limits(plan, reserve=False)
        if not verdict.allowed:
            return verdict, args, None
        approval: str | None = None
        if plan.approval:
            verdict, args, approval = await self._ask(name, plan, args, agent, call_id)
            if not verdict.allowed:
                return verdict, args, approval
        return self._check_limits(plan, reserve=True), args, approval

    def _halt_if_stopping(self) -> None:
        """Under ``on_deny="stop"``, a refusal halts the workbench at once, before any sibling call is admitted."""
        if self._policy.on_deny == "stop":
            with self._lock:
                self._stopped = True

    def _check_limits(self, plan: _Plan, *, reserve: bool) -> Verdict:
        total_limit = self._policy.max_calls
        with self._lock:
            # the stop is checked again here, atomically with the reservation: a sibling call that was waiting
            # (for its approver, or for the tool list) when another call was refused must not run
            if self._stopped:
                return _STOPPED
            used = self._counts.get(plan.key, 0)
            if plan.limit is not None and used >= plan.limit:
                return Verdict(False, "limit.tool", f"the tool may be called at most {plan.limit} times per run")
            if total_limit is not None and self._total >= total_limit:
                return Verdict(False, "limit.total", f"at most {total_limit} tool calls are allowed per run")
            if reserve:
                self._counts[plan.key] = used + 1
                self._total += 1
        return ALLOWED

    def _release(self, plan: _Plan) -> None:
        with self._lock:
            if self._counts.get(plan.key, 0) > 0:
                self._counts[plan.key] -= 1
                self._total -= 1

    async def _ask(
        self, name: str, plan: _Plan, args: Mapping[str, Any], agent: str | None, call_id: str | None
    ) -> tuple[Verdict, Mapping[str, Any], str]:
        if self._approval is None:
            return (
                Verdict(False, "approval.unavailable", "the tool requires approval and no approver is configured"),
                args,
                "error",
            )
        request = ApprovalRequest(tool=name, arguments=dict(args), agent=agent, call_id=call_id)
        task = asyncio.ensure_future(self._approval(request))
        timer = asyncio.ensure_future(self._clock.sleep(self._policy.approval_timeout_s))
        try:
            await asyncio.wait({task, timer}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for pending in (task, timer):
                if not pending.done():
                    pending.cancel()
        if not task.done() or task.cancelled():
            return Verdict(False, "approval.timeout", "the approver did not answer in time"), args, "timeout"
        if task.exception() is not None:
            error = task.exception()
            reason = f"the approver failed ({type(error).__name__})"
            return Verdict(False, "approval.error", reason), args, "error"
        decision: object = task.result()
        if decision is True:
            return ALLOWED, args, "approved"
        if decision is False:
            return Verdict(False, "approval.denied", "the approver denied the call"), args, "denied"
        if not isinstance(decision, ApprovalDecision):
            return Verdict(False, "approval.invalid", "the approver returned an invalid answer"), args, "error"
        if decision.action == "approve":
            return ALLOWED, args, "approved"
        if decision.action == "deny":
            reason = (decision.reason or "the approver denied the call")[:500]
            return Verdict(False, "approval.denied", reason), args, "denied"
        edited = decision.arguments
        if decision.action != "edit" or not isinstance(edited, Mapping):
            return Verdict(False, "approval.invalid", "the approver returned an invalid answer"), args, "error"
        verdict = self._policy.check_arguments_against(plan.rules, edited, non_string=self._non_string.get(name, _NONE))
        if not verdict.allowed:
            return Verdict(False, f"approval.edit:{verdict.rule}", verdict.reason), edited, "edited"
        return ALLOWED, edited, "edited"

    def _refuse(self, name: Any, verdict: Verdict, call_id: str | None) -> ToolResult:
        shown = redact_text(str(name))[:64]
        content = f"Tool call {shown!r} refused by policy ({verdict.rule}): {verdict.reason}"
        mode = self._policy.on_deny
        if mode == "raise":
            raise ToolCallDeniedError(shown, verdict.reason, rule=verdict.rule)
        if mode == "stop":
            self._halt_if_stopping()
            record_stop_refusal(call_id, content)
        return ToolResult(name=shown, result=[TextResultContent(content=content)], is_error=True)

    def _record(
        self,
        name: Any,
        args: Any,
        verdict: Verdict,
        agent: str | None,
        call_id: str | None,
        approval: str | None,
    ) -> bool:
        """Emit the event and write the audit record; return whether every sink took it."""
        listening = _event_logger.isEnabledFor(logging.INFO)
        if not listening and not self._sinks:
            return True
        try:
            redacted = self._policy.redact_arguments(str(name), args)
        except Exception:  # the record must still be written; never the raw arguments
            redacted = "<unavailable>"
        record = ToolDecision(
            tool=redact_text(str(name))[:256],  # redact before cutting: no half-token survives
            arguments=redacted,
            decision="allow" if verdict.allowed else "deny",
            rule=verdict.rule,
            reason=verdict.reason,
            agent=agent,
            call_id=None if call_id is None else redact_text(str(call_id))[:256],
            time=self._clock.now().isoformat(),
            approval=approval,
        )
        ok = True
        if listening:
            try:
                emit(ToolDecisionEvent(**record.to_dict()))
            except Exception:
                ok = False
                _log.warning("could not emit ToolDecisionEvent", exc_info=True)
        for sink in self._sinks:
            try:
                sink.write(record)
            except Exception:
                ok = False
                _log.warning("audit sink %r failed", sink, exc_info=True)
        return ok

    def _agent(self) -> str | None:
        if self._agent_name is not None:
            return self._agent_name
        try:
            from autogen_core import MessageHandlerContext

            agent_type = MessageHandlerContext.agent_id().type
        except Exception:  # outside the AutoGen runtime (RuntimeError) or anything odd: just unknown
            return None
        return _TEAM_SUFFIX.sub("", agent_type)


def guard_tools(
    tools: BaseTool[Any, Any] | Callable[..., Any] | Sequence[BaseTool[Any, Any] | Callable[..., Any]],
    policy: ToolPolicy | Mapping[str, Any],
    **kwargs: Any,
) -> PolicyWorkbench:
    """Guard one tool or a plain tool list with a policy; pass the result as ``AssistantAgent(workbench=...)``.

    Same as :meth:`PolicyWorkbench.from_tools`: ``guard_tools(read_file, policy)`` and
    ``guard_tools([read_file, fetch], policy)`` both work.
    """
    return PolicyWorkbench.from_tools(tools, policy, **kwargs)


def check_handoffs(handoffs: Sequence[Any], policy: ToolPolicy | Mapping[str, Any]) -> None:
    """Refuse, at construction time, handoffs whose tool names the policy denies.

    ``AssistantAgent`` runs handoff tools itself, never through a workbench, so no ``PolicyWorkbench`` sees
    them. Call this with the same ``handoffs`` you give the agent (``Handoff`` objects or target names).

    Raises:
        ConfigurationError: a handoff's tool name (``transfer_to_<target>``) is denied by the policy.
    """
    from autogen_agentchat.base import Handoff

    if not isinstance(policy, ToolPolicy):
        policy = ToolPolicy.from_dict(policy)
    for index, handoff in enumerate(handoffs):
        tool_name = Handoff(target=handoff).name if isinstance(handoff, str) else str(handoff.name)
        verdict = policy.check_name(tool_name)
        if not verdict.allowed:
            raise ConfigurationError(
                f"handoffs[{index}]",
                f"the handoff tool {tool_name!r} is refused by the tool policy ({verdict.rule}), but handoffs bypass "
                "workbenches, so the policy could not block it at run time.",
                "Remove the handoff or allow it in the policy.",
            )
