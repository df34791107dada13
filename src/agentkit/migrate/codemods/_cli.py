"""``agentkit migrate code PATH... [--diff] [--check] [--only AKxxx] [--disable AKxxx]``.

``register_code(migrate_subparsers)`` adds the ``code`` subcommand to the ``migrate`` parser without
importing LibCST; the work is imported when the command runs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

__all__ = ("ProgressBar", "register_code", "run_code")

PROGRESS_MIN_FILES = 20


def register_code(migrate_subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    """Add ``code`` to the ``agentkit migrate`` subcommands and return its parser."""
    parser = migrate_subparsers.add_parser(
        "code",
        help="rewrite pyautogen v0.2 code toward the AutoGen v0.4 API (LibCST rules AK001...)",
        description=(
            "Rewrite pyautogen v0.2 .py files and notebooks toward the AutoGen v0.4 API. What cannot be "
            "rewritten safely is kept and marked '# TODO[agentkit AKxxx]: ...'. Needs the 'migrate' extra "
            "(pip install 'autogen-agentkit[migrate]')."
        ),
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="files or directories (.py and .ipynb)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--diff", action="store_true", help="print a unified diff; write nothing")
    mode.add_argument("--check", action="store_true", help="write nothing; exit 1 if any file would change")
    parser.add_argument(
        "--only", action="append", metavar="AKxxx", default=None, help="run only this rule (repeatable)"
    )
    parser.add_argument("--disable", action="append", metavar="AKxxx", default=[], help="skip this rule (repeatable)")
    parser.add_argument(
        "--require-v04",
        action="store_true",
        help="exit 1 while any migrated file still depends on pyautogen v0.2 (needs manual work)",
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bar (it is off when not a TTY)")
    parser.set_defaults(handler=run_code)
    return parser


class ProgressBar:
    """A plain-text progress bar on a stream, redrawn in place; silent unless the stream is a TTY."""

    def __init__(self, stream: TextIO, *, width: int = 30, enabled: bool | None = None) -> None:
        self.stream = stream
        self.width = width
        self.enabled = stream.isatty() if enabled is None else enabled
        self._last = -1

    def __call__(self, done: int, total: int) -> None:
        """Show ``done`` of ``total`` (redrawn at most once per percent)."""
        if not self.enabled or total < PROGRESS_MIN_FILES:
            return
        percent = done * 100 // total
        if percent == self._last and done != total:
            return
        self._last = percent
        filled = self.width * done // total
        self.stream.write(f"\r[{'#' * filled}{'.' * (self.width - filled)}] {done}/{total} files")
        if done == total:
            self.stream.write("\n")
        self.stream.flush()


def run_code(args: argparse.Namespace) -> int:
    """Run ``agentkit migrate code``; returns the exit code.

    0: done; 1: ``--check`` found pending changes, or ``--require-v04`` found files that still depend on v0.2;
    2: bad input (a missing path, an unknown rule, a file that is not Python or does not parse).
    Standard output carries only the machine-readable part (the diff, or one ``path: outcome`` line per file);
    the summary goes to standard error.
    """
    from ..._extras import require

    require("libcst", "migrate", feature="agentkit migrate code")  # one-line MissingExtraError, exit 2
    from . import migrate_paths, parse_rules

    try:
        only = parse_rules(args.only) if args.only else None
        disable = parse_rules(args.disable)
    except ValueError as error:
        sys.stderr.write(f"agentkit migrate code: {error}\n")
        return 2
    for raw in args.paths:
        if not Path(raw).exists():
            sys.stderr.write(f"agentkit migrate code: {raw}: no such file or directory\n")
            return 2
    dry_run = args.diff or args.check
    bar = ProgressBar(sys.stderr, enabled=False if args.no_progress else None)
    report = migrate_paths(args.paths, only=only, disable=disable, write=not dry_run, progress=bar)
    if args.diff:
        for file in report.changed:
            assert file.result is not None
            sys.stdout.write(file.result.diff(str(file.path)))
    else:
        for file in report.files:
            if file.error is None:
                verb = ("would change" if dry_run else "changed") if file.changed else "unchanged"
                sys.stdout.write(f"{file.path}: {file.outcome}; {verb}\n")
    if len(report.errors) == len(report.files):
        sys.stderr.writelines(f"{file.error}\n" for file in report.errors)  # nothing migrated: the errors alone
    else:
        sys.stderr.write(report.summary() + "\n")
    if report.errors:
        return 2
    if args.check and report.changed:
        return 1
    if args.require_v04 and report.pending_v02:
        return 1
    return 0
