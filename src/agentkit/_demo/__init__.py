"""``agentkit demo``: a real AutoGen team run, offline, narrating what agentkit does.

Each building block contributes one act in ``agentkit/_demo/act_<name>.py`` exposing
``async def run(env: DemoEnv) -> ActReport`` and ``TITLE``. Acts run in :data:`ACTS` order; the demo
ends with a summary table (or JSON with ``--json``) and exits 1 if any act did not behave. Output wraps to the
terminal width; when the reader of a pipe goes away (``agentkit demo | head -3``) the demo stops quietly.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import os
import sys
import textwrap
from contextlib import AsyncExitStack
from typing import Any

from .._cli import EXIT_BROKEN_PIPE
from .._extras import install_hint, require
from ..exceptions import ConfigurationError
from ._framework import Act, ActReport, DemoEnv, http_clients_available

__all__ = ("ACTS", "register", "run_demo")

ACTS: tuple[str, ...] = ("team", "failover", "budget", "deadline", "tools")
"""Act modules, in the order they run (``agentkit._demo.act_<name>``); missing ones are skipped."""


def register(subparsers: Any) -> None:
    """Add the ``demo`` subcommand."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "demo",
        help="run an AutoGen team offline and show what agentkit does (no network, no API key)",
        description=(
            "Runs real AutoGen teams offline (no network, no API key): a provider failover, a budget stop,\n"
            "a deadline and a blocked tool call, then prints a summary. With the openai extra the model calls\n"
            "are real OpenAI/Anthropic SDK clients talking HTTP to agentkit's local fake provider on 127.0.0.1;\n"
            "on a plain install agentkit's in-process scripted clients stand in for them."
        ),
        epilog=(
            "exit 0 every act behaved; 1 an act did not (see the summary); 2 bad input or environment.\n"
            "--json prints only the JSON report on stdout."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--json", action="store_true", help="print the summary as JSON (no narration)")
    parser.add_argument(
        "--live",
        action="store_true",
        help=f"use real providers (needs {install_hint('openai')} and OPENAI_API_KEY; ANTHROPIC_API_KEY optional)",
    )
    parser.add_argument("--only", action="append", choices=ACTS, metavar="ACT", help=f"run only these acts {ACTS}")
    parser.set_defaults(handler=_handle)


def _load_acts(only: list[str] | None) -> list[tuple[str, str, Act]]:
    acts: list[tuple[str, str, Act]] = []
    for name in ACTS:
        if only and name not in only:
            continue
        module_name = f"{__name__}.act_{name}"
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name == module_name:
                continue
            raise
        acts.append((name, str(module.TITLE), module.run))
    return acts


def _backend(live: bool) -> str:
    if live:
        return "live"
    return "http" if http_clients_available() else "scripted"


async def run_demo(
    *, live: bool = False, quiet: bool = False, only: list[str] | None = None, env: DemoEnv | None = None
) -> list[ActReport]:
    """Run the demo's acts and return their reports (stops early if the reader of the output went away)."""
    env = env or DemoEnv(backend=_backend(live), quiet=quiet)
    reports: list[ActReport] = []
    async with AsyncExitStack() as stack:
        if env.backend == "http":
            from ..testing import FakeProvider

            env.provider = await stack.enter_async_context(FakeProvider())
        for index, (_name, title, act) in enumerate(_load_acts(only), start=1):
            env.write()
            env.write(env.wrap(f"[{index}] {title}", hanging="    "))
            if env.provider is not None:
                env.provider.reset()
            reports.append(await act(env))
            if env.closed:
                break
    return reports


def _table(reports: list[ActReport], width: int) -> str:
    """The summary: one row per act; the last column wraps (at word boundaries) so every row fits ``width``."""
    rows = [("act", "result", "what agentkit did")]
    rows += [(r.name, "ok" if r.ok else "FAILED", r.outcome) for r in reports]
    widths = [max(len(row[i]) for row in rows) for i in range(2)]
    lead = widths[0] + widths[1] + 4
    room = max(20, width - lead)
    lines = []
    for i, row in enumerate(rows):
        wrapped = textwrap.wrap(row[2], width=room, break_long_words=False, break_on_hyphens=False) or [""]
        lines.append(f"{row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  {wrapped[0]}".rstrip())
        lines.extend(" " * lead + more for more in wrapped[1:])
        if i == 0:
            lines.append(f"{'-' * widths[0]}  {'-' * widths[1]}  {'-' * min(room, 40)}")
    return "\n".join(lines)


_MODES = {
    "live": "live providers",
    "http": "offline: real SDK clients over HTTP to a local fake provider on 127.0.0.1, no API key",
    "scripted": (
        "offline: agentkit's in-process scripted model clients, no API key. The provider SDKs are not installed; "
        f"with {install_hint('openai')} the same acts run over HTTP against a local fake provider"
    ),
}


def _handle(args: argparse.Namespace) -> int:
    if args.live:
        require("autogen_ext.models.openai", "openai", feature="agentkit demo --live")
        if not os.environ.get("OPENAI_API_KEY"):
            raise ConfigurationError(
                "agentkit demo --live",
                "needs OPENAI_API_KEY in the environment (ANTHROPIC_API_KEY is optional).",
                "Export it, or drop --live to run offline.",
            )
    env = DemoEnv(backend=_backend(args.live), quiet=args.json)
    env.write(env.wrap(f"agentkit demo ({_MODES[env.backend]})", hanging="  "))
    reports = asyncio.run(run_demo(only=args.only, env=env))
    ok = all(r.ok for r in reports)
    if args.json:
        json.dump({"ok": ok, "backend": env.backend, "acts": [r.to_dict() for r in reports]}, sys.stdout, indent=2)
        print()
    else:
        env.write("\nSummary\n")
        env.write(_table(reports, env.width))
    if env.closed:  # the reader went away (`| head`): stop quietly, as a shell expects of a writer
        return EXIT_BROKEN_PIPE
    return 0 if ok else 1
