"""agentkit: production building blocks for Microsoft AutoGen v0.4+.

The package root is deliberately small and cheap to import: it never imports a provider SDK. The
building blocks live in subpackages named after their AutoGen counterparts:

- :mod:`agentkit.conditions` — budget, deadline and latency termination conditions.
- :mod:`agentkit.models` — the failover and metered ``ChatCompletionClient`` adapters.
- :mod:`agentkit.usage` and :mod:`agentkit.pricing` — the usage ledger and offline prices.
- :mod:`agentkit.deadlines` — running teams under hard deadlines that interrupt work in flight.
- :mod:`agentkit.tools` — one declarative policy for function tools, workbenches and MCP servers.
- :mod:`agentkit.migrate` — pyautogen v0.2 config translation and code rewriting.
- :mod:`agentkit.testing` — a fault-injecting fake provider and a scripted client for offline tests.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from ._clock import SYSTEM_CLOCK, Clock, SystemClock
from .exceptions import AgentkitError, ConfigurationError

try:
    __version__ = version("autogen-agentkit")
except PackageNotFoundError:  # pragma: no cover - only when running from an uninstalled tree
    __version__ = "0.0.0+unknown"

__all__ = ("SYSTEM_CLOCK", "AgentkitError", "Clock", "ConfigurationError", "SystemClock", "__version__")

for _name in ("Clock", "SystemClock"):
    globals()[_name].__module__ = "agentkit"
