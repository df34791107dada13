"""The demo's plumbing: the environment every act runs in, what an act reports, and terminal output."""

from __future__ import annotations

import importlib
import os
import sys
import textwrap
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TextIO

from .._cli import terminal_width, wrap
from .._extras import install_hint, require
from ..exceptions import ConfigurationError

if TYPE_CHECKING:
    from autogen_core.models import ChatCompletionClient

    from ..testing import FakeProvider

__all__ = ("Act", "ActReport", "DemoEnv", "http_clients_available", "terminal_width")


def _importable(module: str) -> bool:
    try:
        importlib.import_module(module)
    except ImportError:
        return False
    return True


def http_clients_available() -> bool:
    """Whether autogen-ext's OpenAI client (the ``openai`` extra) can be imported."""
    return _importable("autogen_ext.models.openai")


def anthropic_available() -> bool:
    """Whether autogen-ext's Anthropic client (the ``anthropic`` extra) can be imported."""
    return _importable("autogen_ext.models.anthropic")


@dataclass
class ActReport:
    """What one act of the demo did.

    Attributes:
        name: Short id of the act (``"failover"``).
        title: One-line title.
        outcome: One-line result, e.g. ``"answered by backup after primary 503 x2"``.
        facts: Ordered key/value facts shown in ``--json``.
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
    """Where the demo's acts run.

    Three backends: ``"http"`` (the real OpenAI/Anthropic clients over HTTP against the local fake provider,
    when the ``openai`` extra is installed), ``"scripted"`` (agentkit's in-process
    :class:`~agentkit.testing.ScriptedChatCompletionClient`, on a plain install) and ``"live"`` (real providers).

    Attributes:
        provider: The running :class:`~agentkit.testing.FakeProvider` (``"http"`` backend only).
        backend: ``"http"``, ``"scripted"`` or ``"live"``.
        quiet: Suppress narration (``--json``).
        out: Where narration goes.
        width: Column to wrap narration at.
        closed: The reader of ``out`` went away (``| head``): output stopped, the demo stops after the act.
    """

    provider: FakeProvider | None = None
    backend: str = "scripted"
    quiet: bool = False
    out: TextIO = field(default_factory=lambda: sys.stdout)
    width: int = field(default_factory=terminal_width)
    closed: bool = False

    @property
    def live(self) -> bool:
        """Whether real provider endpoints are used."""
        return self.backend == "live"

    @property
    def scripted(self) -> bool:
        """Whether in-process scripted clients stand in for the provider SDKs."""
        return self.backend == "scripted"

    def write(self, text: str = "") -> None:
        """Write one line (or several) as-is; a closed pipe stops output quietly."""
        if self.quiet or self.closed:
            return
        try:
            print(text, file=self.out, flush=True)
        except BrokenPipeError:
            self.closed = True
            try:  # the standard recipe: later writes (and the final flush) go nowhere, quietly
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, self.out.fileno())
            except (OSError, ValueError):  # pragma: no cover - not a real file
                pass

    def narrate(self, text: str) -> None:
        """Tell the reader what agentkit is doing, wrapped to the terminal width at word boundaries."""
        self.write(self.wrap(text, indent="  ", hanging="    "))

    def narrate_table(self, lines: Sequence[str]) -> None:
        """Show a table's lines unwrapped (indented), as tables must keep their columns."""
        for line in lines:
            self.write(f"  {line}")

    def wrap(self, text: str, *, indent: str = "", hanging: str = "") -> str:
        """Wrap ``text`` to :attr:`width` without cutting words."""
        return wrap(text, indent=indent, hanging=hanging or indent, width=self.width)

    def excerpt(self, text: str, room: int = 0) -> str:
        """A one-line excerpt of a model's answer, shortened at a word boundary (never mid-word)."""
        one_line = " ".join(text.split())
        width = max(20, (room or self.width) - 4)
        short = textwrap.shorten(one_line, width=width, placeholder=" ...")
        return one_line if short.strip() == "..." else short  # a first word longer than the room: keep it whole

    def openai_client(self, model: str = "gpt-4o-mini", **kwargs: Any) -> ChatCompletionClient:
        """An ``OpenAIChatCompletionClient``: against the fake provider offline, the real API in live mode."""
        if self.live:
            require("autogen_ext.models.openai", "openai", feature="agentkit demo --live")
            from autogen_ext.models.openai import OpenAIChatCompletionClient

            if not os.environ.get("OPENAI_API_KEY"):
                raise ConfigurationError(
                    "--live", "needs OPENAI_API_KEY in the environment.", "Export it or drop --live."
                )
            kwargs.setdefault("max_retries", 0)
            return OpenAIChatCompletionClient(model=model, **kwargs)
        if self.provider is None:
            raise ConfigurationError(
                "agentkit demo", "has no HTTP fake provider in this mode.", f"Install it: {install_hint('openai')}"
            )
        return self.provider.openai_client(model, **kwargs)

    def anthropic_client(self, model: str = "claude-haiku-4-5", **kwargs: Any) -> ChatCompletionClient:
        """An ``AnthropicChatCompletionClient``: fake provider offline, the real API in live mode.

        Without the ``anthropic`` extra (or, live, without ``ANTHROPIC_API_KEY``) OpenAI's gpt-4o-mini stands in.
        """
        if self.live:
            if not os.environ.get("ANTHROPIC_API_KEY") or not anthropic_available():
                self.narrate("no ANTHROPIC_API_KEY or anthropic extra: OpenAI's gpt-4o-mini stands in for Anthropic")
                return self.openai_client("gpt-4o-mini")
            from autogen_ext.models.anthropic import AnthropicChatCompletionClient

            kwargs.setdefault("max_retries", 0)
            return AnthropicChatCompletionClient(model=model, **kwargs)
        if not anthropic_available():
            return self.openai_client("gpt-4o-mini")
        if self.provider is None:
            raise ConfigurationError(
                "agentkit demo", "has no HTTP fake provider in this mode.", f"Install it: {install_hint('anthropic')}"
            )
        return self.provider.anthropic_client(model, **kwargs)


Act = Callable[[DemoEnv], Awaitable[ActReport]]
"""An act: an async function that runs one scene against the environment and reports on it."""
