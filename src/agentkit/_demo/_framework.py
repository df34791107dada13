"""The demo's plumbing: the environment every act runs in, and what an act reports."""

from __future__ import annotations

import os
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TextIO

from ..exceptions import ConfigurationError

if TYPE_CHECKING:
    from autogen_core.models import ChatCompletionClient

    from ..testing import FakeProvider

__all__ = ("Act", "ActReport", "DemoEnv")


@dataclass
class ActReport:
    """What one act of the demo did.

    Attributes:
        name: Short id of the act (``"failover"``).
        title: One-line title.
        outcome: One-line result, e.g. ``"answered by backup after primary 503 x2"``.
        facts: Ordered key/value facts shown in the summary table and in ``--json``.
        ok: Whether agentkit behaved as the act expects.
    """

    name: str
    title: str
    outcome: str
    facts: dict[str, Any] = field(default_factory=dict)
    ok: bool = True

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly form."""
        return {
            "name": self.name,
            "title": self.title,
            "outcome": self.outcome,
            "ok": self.ok,
            "facts": {
                k: str(v) if not isinstance(v, (int, float, bool, type(None))) else v for k, v in self.facts.items()
            },
        }


@dataclass
class DemoEnv:
    """Where the demo's acts run: the offline fake provider, or real providers with ``--live``.

    Attributes:
        provider: The running :class:`~agentkit.testing.FakeProvider` (``None`` in live mode).
        live: Whether real provider endpoints are used.
        quiet: Suppress narration (``--json``).
        out: Where narration goes.
    """

    provider: FakeProvider | None
    live: bool = False
    quiet: bool = False
    out: TextIO = field(default_factory=lambda: sys.stdout)

    def narrate(self, text: str) -> None:
        """Tell the reader what agentkit is doing."""
        if not self.quiet:
            print(f"  {text}", file=self.out, flush=True)

    def openai_client(self, model: str = "gpt-4o-mini", **kwargs: Any) -> ChatCompletionClient:
        """An ``OpenAIChatCompletionClient``: against the fake provider offline, the real API with ``--live``."""
        if self.live:
            from autogen_ext.models.openai import OpenAIChatCompletionClient

            if not os.environ.get("OPENAI_API_KEY"):
                raise ConfigurationError(
                    "--live", "needs OPENAI_API_KEY in the environment.", "Export it or drop --live."
                )
            kwargs.setdefault("max_retries", 0)
            return OpenAIChatCompletionClient(model=model, **kwargs)
        assert self.provider is not None
        return self.provider.openai_client(model, **kwargs)

    def anthropic_client(self, model: str = "claude-haiku-4-5", **kwargs: Any) -> ChatCompletionClient:
        """An ``AnthropicChatCompletionClient``: fake provider offline, the real API with ``--live``."""
        if self.live:
            from autogen_ext.models.anthropic import AnthropicChatCompletionClient

            if not os.environ.get("ANTHROPIC_API_KEY"):
                self.narrate("ANTHROPIC_API_KEY is not set: using OpenAI's gpt-4o-mini in Anthropic's place")
                return self.openai_client("gpt-4o-mini")
            kwargs.setdefault("max_retries", 0)
            return AnthropicChatCompletionClient(model=model, **kwargs)
        assert self.provider is not None
        return self.provider.anthropic_client(model, **kwargs)


Act = Callable[[DemoEnv], Awaitable[ActReport]]
"""An act: an async function that runs one scene against the environment and reports on it."""
