"""Run AutoGen teams and agents under deadlines that interrupt work in flight."""

from __future__ import annotations

__all__: tuple[str, ...] = ()
