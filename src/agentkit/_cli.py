"""The ``agentkit`` command line: ``demo`` and ``migrate``.

Subcommands register themselves through small ``register(subparsers)`` functions that import nothing
heavy; the work is imported only when a subcommand runs, so ``agentkit --help`` stays fast.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from . import __version__
from .exceptions import AgentkitError

__all__ = ("build_parser", "main")


def build_parser() -> argparse.ArgumentParser:
    """Build the ``agentkit`` argument parser."""
    parser = argparse.ArgumentParser(
        prog="agentkit",
        description=(
            "Production building blocks for AutoGen v0.4+: budgets, deadlines, provider failover, "
            "tool governance and pyautogen v0.2 migration."
        ),
    )
    parser.add_argument("--version", action="version", version=f"agentkit {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")

    from ._demo import register as register_demo

    register_demo(subparsers)
    try:
        from .migrate._cli import register as register_migrate
    except ImportError:  # pragma: no cover - the migrate CLI is being built
        pass
    else:
        register_migrate(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``agentkit`` command line and return its exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 0
    try:
        code: int = handler(args)
    except AgentkitError as error:  # bad input: a clear message, never a traceback
        print(f"agentkit: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # pragma: no cover - interactive
        print("interrupted", file=sys.stderr)
        return 130
    return code


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
