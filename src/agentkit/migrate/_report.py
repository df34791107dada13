"""The translation report: what happened to every key of a pyautogen v0.2 model configuration."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from .._redaction import redact_text

__all__ = ("ItemStatus", "ReportItem", "TranslationReport")

ItemStatus = Literal["mapped", "changed", "added", "dropped", "manual"]
"""What happened to one key.

- ``mapped``: kept with the same meaning (possibly under the same name).
- ``changed``: kept, but renamed or converted (the detail says how).
- ``added``: not in the input; the translation added it because v0.4 needs it (e.g. ``model_info``).
- ``dropped``: has no v0.4 equivalent and needs no action (the detail says why).
- ``manual``: needs a human: the translation could not preserve its behaviour (the fix says what to do).
"""


@dataclass(frozen=True)
class ReportItem:
    """What happened to one key of the input.

    Attributes:
        location: Where the key is, e.g. ``"OAI_CONFIG_LIST[1].api_key"`` or ``"llm_config.cache_seed"``.
        key: The v0.2 key.
        status: One of ``mapped``, ``changed``, ``added``, ``dropped``, ``manual``.
        target: Where it went in v0.4 (e.g. ``"OpenAIChatCompletionClient.temperature"``), or ``""``.
        detail: Why, in one sentence. Never contains a secret.
        fix: What to do about it, for ``manual`` items (and any item with an optional follow-up).
    """

    location: str
    key: str
    status: ItemStatus
    target: str = ""
    detail: str = ""
    fix: str = ""

    def __post_init__(self) -> None:
        for name in ("location", "key", "target", "detail", "fix"):
            object.__setattr__(self, name, redact_text(getattr(self, name)))

    def to_dict(self) -> dict[str, str]:
        """Return the item as a JSON-ready dict."""
        return {
            "location": self.location,
            "key": self.key,
            "status": self.status,
            "target": self.target,
            "detail": self.detail,
            "fix": self.fix,
        }


@dataclass(frozen=True)
class TranslationReport:
    """Everything the translation did, key by key, with the environment variables the output needs.

    Attributes:
        source: What was translated (a file path, an environment variable name, or ``"llm_config"``).
        items: One item per input key (and per key the translation added), in input order.
        env: Environment variables the output reads, mapped to what each holds (never its value).
        notes: Whole-configuration remarks (failover behaviour, caching, quirks that applied).
    """

    source: str
    items: tuple[ReportItem, ...] = ()
    env: dict[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "source", redact_text(self.source))
        object.__setattr__(self, "env", {redact_text(k): redact_text(v) for k, v in self.env.items()})
        object.__setattr__(self, "notes", tuple(redact_text(note) for note in self.notes))

    def __iter__(self) -> Iterator[ReportItem]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    @property
    def manual(self) -> tuple[ReportItem, ...]:
        """The items that need a human."""
        return tuple(item for item in self.items if item.status == "manual")

    @property
    def needs_manual_work(self) -> bool:
        """Whether anything needs a human (``agentkit migrate config --check`` exits 1 then)."""
        return any(item.status == "manual" for item in self.items)

    def by_status(self, status: ItemStatus) -> tuple[ReportItem, ...]:
        """The items with the given status."""
        return tuple(item for item in self.items if item.status == status)

    def to_dict(self) -> dict[str, Any]:
        """Return the report as a JSON-ready dict (no secrets: values of keys are never included)."""
        counts = {status: 0 for status in ("mapped", "changed", "added", "dropped", "manual")}
        for item in self.items:
            counts[item.status] += 1
        return {
            "source": self.source,
            "needs_manual_work": self.needs_manual_work,
            "counts": counts,
            "env": dict(self.env),
            "notes": list(self.notes),
            "items": [item.to_dict() for item in self.items],
        }

    def to_text(self) -> str:
        """Return the report as readable text: manual work first, then every key, then notes."""
        lines = [f"Translation report for {self.source}"]
        manual = self.manual
        if manual:
            lines.append(f"{len(manual)} item(s) need manual work:")
            for item in manual:
                lines.append(f"  ! {item.location}: {item.detail}")
                if item.fix:
                    lines.append(f"      fix: {item.fix}")
        else:
            lines.append("Nothing needs manual work.")
        if self.env:
            lines.append("Environment variables the output reads:")
            width = max(len(name) for name in self.env)
            for name, what in self.env.items():
                lines.append(f"  {name.ljust(width)}  {what}")
        lines.append("Keys:")
        lines.extend(_item_lines(self.items))
        if self.notes:
            lines.append("Notes:")
            lines.extend(f"  - {note}" for note in self.notes)
        return "\n".join(lines)


def _item_lines(items: Sequence[ReportItem]) -> list[str]:
    lines: list[str] = []
    for item in items:
        target = f" -> {item.target}" if item.target else ""
        lines.append(f"  [{item.status:<7}] {item.location}{target}")
        if item.detail:
            lines.append(f"            {item.detail}")
        if item.fix and item.status != "manual":
            lines.append(f"            fix: {item.fix}")
    return lines
