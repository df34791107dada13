"""Working state for translating one v0.2 config entry, and the per-entry result."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..exceptions import ConfigTranslationError
from ._report import ItemStatus, ReportItem


@dataclass
class EntryResult:
    """One translated entry.

    Attributes:
        index: Index of the entry in the (unfiltered) input list.
        location: Location prefix for messages.
        component: The leaf ``ComponentModel`` dict, or ``None`` when the entry needs manual translation.
        cache_seed: The entry's effective v0.2 ``cache_seed`` (``41`` when absent, as in v0.2).
        cache_seed_explicit: Whether ``cache_seed`` was given.
        price: v0.2 ``price`` as ``(prompt_per_1k, completion_per_1k)``, if given.
        model: The model name.
        items: Report items for the entry's keys.
    """

    index: int
    location: str
    component: dict[str, Any] | None
    cache_seed: int | str | None
    cache_seed_explicit: bool
    price: tuple[Any, Any] | None
    model: str
    items: list[ReportItem] = field(default_factory=list)


def type_name(value: Any) -> str:
    return "null" if value is None else type(value).__name__


NULL_DETAIL = "null: the same as not set."


class Entry:
    """Working state for one entry: the remaining keys and the report items."""

    def __init__(self, entry: Mapping[str, Any], location: str, origins: Mapping[str, str]) -> None:
        self.entry = dict(entry)
        self.remaining = dict(entry)
        self.location = location
        self.origins = origins
        self.items: list[ReportItem] = []

    def where(self, key: str) -> str:
        origin = self.origins.get(key)
        if origin:
            return f"{self.location}.{key} (inherited from {origin})"
        return f"{self.location}.{key}"

    def take(self, key: str) -> Any:
        """Consume a key; a null value is reported as dropped here (``cache_seed``'s null has a meaning)."""
        if key != "cache_seed" and key in self.remaining and self.remaining[key] is None:
            self.report(key, "dropped", detail=NULL_DETAIL)
        return self.remaining.pop(key, None)

    def has(self, key: str) -> bool:
        return key in self.remaining

    def report(self, key: str, status: ItemStatus, target: str = "", detail: str = "", fix: str = "") -> None:
        self.items.append(ReportItem(self.where(key), key, status, target, detail, fix))

    def error(self, key: str, problem: str, fix: str) -> ConfigTranslationError:
        return ConfigTranslationError(self.where(key), problem, fix)

    def string(self, key: str, *, required: bool = False) -> str | None:
        value = self.take(key)
        if value is None:
            if required:
                raise self.error(key, "is required.", f'Add "{key}": "..." to the entry.')
            return None
        if not isinstance(value, str) or (required and not value.strip()):
            raise self.error(key, f"must be a non-empty string, got {type_name(value)}.", f'Use "{key}": "...".')
        return value


def json_safe(value: Any, depth: int = 0) -> bool:
    """Whether ``value`` is plain, finite JSON (callables such as ``filter_func`` are allowed: reported later)."""
    if depth > 50:
        return False
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and json_safe(v, depth + 1) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return all(json_safe(v, depth + 1) for v in value)
    return True
