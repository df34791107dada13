"""One declarative policy for AutoGen function tools, workbenches and MCP servers.

:class:`ToolPolicy` says which tools a model may call, with which arguments, how often and with whose
approval; :class:`PolicyWorkbench` enforces it on any ``Workbench`` (``guard_tools`` for a plain tool list) and
records every decision in an audit trail.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

if TYPE_CHECKING:
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

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "ApprovalCallback": "._approval",
        "ApprovalDecision": "._approval",
        "ApprovalRequest": "._approval",
        "ArgRule": "._policy",
        "AuditSink": "._audit",
        "JsonlAuditSink": "._audit",
        "PathRule": "._policy",
        "PolicyWorkbench": "._workbench",
        "PolicyWorkbenchConfig": "._workbench",
        "ToolDecision": "._audit",
        "ToolDenialTermination": "._termination",
        "ToolDenialTerminationConfig": "._termination",
        "ToolPolicy": "._policy",
        "ToolRule": "._policy",
        "UrlRule": "._policy",
        "Verdict": "._policy",
        "check_handoffs": "._workbench",
        "guard_tools": "._workbench",
    },
)
