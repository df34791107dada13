"""``agentkit demo``: a real AutoGen team run, offline, narrating what agentkit does.

Each building block contributes one act in ``agentkit/_demo/act_<name>.py`` exposing
``async def run(env: DemoEnv) -> ActReport`` and ``TITLE``. Acts run in :data:`ACTS` order; the demo
ends with a summary table (or JSON with ``--json``) and exits non-zero if any act did not behave.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import os
import sys
from typing import Any

from ._framework import Act, ActReport, DemoEnv

__all__ = ("ACTS", "register", "run_demo")

ACTS: tuple[str, ...] = ("team", "failover", "budget", "deadline", "tools")
"""Act modules, in the order they run (``agentkit._demo.act_<name>``); missing ones are skipped."""


def register(subparsers: Any) -> None:
    """Add the ``demo`` subcommand."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "demo",
        help="run an AutoGen team offline against a local fake provider and show what agentkit does",
        description=(
            "Runs a real AutoGen team against agentkit's local fake provider (no network, no API key): "
            "a provider failover, a budget stop, a deadline and a blocked tool call, then prints a summary."
        ),
    )
    parser.add_argument("--json", action="store_true", help="print the summary as JSON (no narration)")
    parser.add_argument(
        "--live",
        action="store_true",
        help="use real providers (needs OPENAI_API_KEY and/or ANTHROPIC_API_KEY); offline otherwise",
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


async def run_demo(*, live: bool = False, quiet: bool = False, only: list[str] | None = None) -> list[ActReport]:
    """Run the demo's acts and return their reports."""
    from ..testing import FakeProvider

    reports: list[ActReport] = []
    async with FakeProvider() as provider:
        env = DemoEnv(provider=None if live else provider, live=live, quiet=quiet)
        for index, (_name, title, act) in enumerate(_load_acts(only), start=1):
            if not quiet:
                print(f"\n[{index}] {title}", flush=True)
            if env.provider is not None:
                env.provider.reset()
            reports.append(await act(env))
    return reports


def _table(reports: list[ActReport]) -> str:
    rows = [("act", "result", "what agentkit did")]
    for report in reports:
        facts = ", ".join(f"{k}={v}" for k, v in report.facts.items())
        rows.append(
            (report.name, "ok" if report.ok else "FAILED", f"{report.outcome}" + (f" ({facts})" if facts else ""))
        )
    widths = [max(len(row[i]) for row in rows) for i in range(2)]
    lines = []
    for i, row in enumerate(rows):
        lines.append(f"{row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]}")
        if i == 0:
            lines.append(f"{'-' * widths[0]}  {'-' * widths[1]}  {'-' * 40}")
    return "\n".join(lines)


def _handle(args: argparse.Namespace) -> int:
    if args.live and not os.environ.get("OPENAI_API_KEY"):
        print(
            "agentkit demo: --live needs OPENAI_API_KEY in the environment (ANTHROPIC_API_KEY is optional). "
            "Export it, or drop --live to run offline.",
            file=sys.stderr,
        )
        return 2
    if not args.json:
        mode = "live providers" if args.live else "offline, local fake provider on 127.0.0.1, no API key"
        print(f"agentkit demo ({mode})")
    reports = asyncio.run(run_demo(live=args.live, quiet=args.json, only=args.only))
    ok = all(r.ok for r in reports)
    if args.json:
        json.dump({"ok": ok, "acts": [r.to_dict() for r in reports]}, sys.stdout, indent=2)
        print()
    else:
        print("\nSummary\n")
        print(_table(reports))
    return 0 if ok else 1
