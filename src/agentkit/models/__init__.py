"""``ChatCompletionClient`` adapters: provider failover and metering."""

from __future__ import annotations

__all__: tuple[str, ...] = ()
