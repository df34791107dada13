"""Worker processes for the fleet tests: a fork server preloaded with agentkit, so each worker starts fast."""

from __future__ import annotations

import multiprocessing
from multiprocessing.context import ForkServerContext

__all__ = ("context",)

_ctx: ForkServerContext | None = None


def context() -> ForkServerContext:
    """A ``forkserver`` context whose server has imported the workloads (fork-safe: no parent threads copied)."""
    global _ctx
    if _ctx is None:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["tests.backends._workload"])
        _ctx = ctx
    return _ctx
