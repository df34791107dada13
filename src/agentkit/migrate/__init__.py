"""Migrate pyautogen v0.2 projects to AutoGen v0.4: config translation and code rewriting."""

from __future__ import annotations

__all__: tuple[str, ...] = ()
