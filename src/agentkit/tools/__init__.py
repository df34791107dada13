"""One declarative policy for AutoGen function tools, workbenches and MCP servers.

:class:`ToolPolicy` says which tools a model may call, with which arguments, how often and with whose
approval; :class:`PolicyWorkbench` enforces it on any ``Workbench`` (``guard_tools`` for a plain tool list) and
records every decision in an audit trail.
"""

from __future__ import annotations

from ._approval import ApprovalCallback, ApprovalDecision, ApprovalRequest
from ._audit import AuditSink, JsonlAuditSink, ToolDecision
from ._policy import ArgRule, PathRule, ToolPolicy, ToolRule, UrlRule, Verdict
from ._termination import ToolDenialTermination, ToolDenialTerminationConfig
from ._workbench import PolicyWorkbench, PolicyWorkbenchConfig, check_handoffs, guard_tools

__all__ = (
    "ApprovalCallback",
    "ApprovalDecision",
    "ApprovalRequest",
    "ArgRule",
    "AuditSink",
    "JsonlAuditSink",
    "PathRule",
    "PolicyWorkbench",
    "PolicyWorkbenchConfig",
    "ToolDecision",
    "ToolDenialTermination",
    "ToolDenialTerminationConfig",
    "ToolPolicy",
    "ToolRule",
    "UrlRule",
    "Verdict",
    "check_handoffs",
    "guard_tools",
)

for _cls in (
    ApprovalDecision,
    ApprovalRequest,
    ArgRule,
    AuditSink,
    JsonlAuditSink,
    PathRule,
    PolicyWorkbench,
    PolicyWorkbenchConfig,
    ToolDecision,
    ToolDenialTermination,
    ToolDenialTerminationConfig,
    ToolPolicy,
    ToolRule,
    UrlRule,
    Verdict,
):
    _cls.__module__ = __name__
for _func in (check_handoffs, guard_tools):
    _func.__module__ = __name__
del _cls, _func
