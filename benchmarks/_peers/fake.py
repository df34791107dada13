"""The one place the benchmark imports agentkit's fake provider from."""

from __future__ import annotations

from agentkit.testing import FakeProvider, Fault, Reply

__all__ = ("FakeProvider", "Fault", "Reply")
