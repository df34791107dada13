"""Offline model prices (from genai-prices) with per-model overrides."""

from __future__ import annotations

__all__: tuple[str, ...] = ()
