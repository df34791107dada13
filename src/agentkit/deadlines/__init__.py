"""Run AutoGen teams and agents under deadlines that interrupt work in flight.

:func:`run_with_deadline` / :func:`run_stream_with_deadline` cancel the model calls and tool executions in
flight when a hard deadline passes and return a ``TaskResult`` with everything produced so far; a soft
deadline sets a :class:`WrapUpTermination` so the team stops gracefully at the next turn boundary first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

if TYPE_CHECKING:
    from ._runner import run_stream_with_deadline, run_with_deadline
    from ._wrap_up import WrapUpTermination, WrapUpTerminationConfig

__all__ = (
    "WrapUpTermination",
    "WrapUpTerminationConfig",
    "run_stream_with_deadline",
    "run_with_deadline",
)

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "WrapUpTermination": "._wrap_up",
        "WrapUpTerminationConfig": "._wrap_up",
        "run_stream_with_deadline": "._runner",
        "run_with_deadline": "._runner",
    },
)
