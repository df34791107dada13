"""The ``agentkit`` command line: ``demo`` and ``migrate``.

Subcommands register themselves through small ``register(subparsers)`` functions that import nothing
heavy; the work is imported only when a subcommand runs, so ``agentkit --help`` stays fast.

Every command follows one contract, enforced here so that subcommands inherit it (see :data:`CONTRACT`):
exit codes 0 / 1 / 2, errors as one line on stderr, machine-readable output alone on stdout, and a quiet
exit when the reader of a pipe goes away (``agentkit demo | head -3``).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import textwrap
from collections.abc import Sequence
from typing import Any, NoReturn

from . import __version__
from ._extras import EXTRAS, install_hint
from .exceptions import AgentkitError, MissingExtraError

__all__ = (
    "CONTRACT",
    "EXIT_BAD_INPUT",
    "EXIT_BROKEN_PIPE",
    "EXIT_OK",
    "EXIT_PENDING",
    "ArgumentParser",
    "build_parser",
    "fail",
    "main",
    "terminal_width",
    "wrap",
)

EXIT_OK = 0
"""Success."""
EXIT_PENDING = 1
"""Changes pending or manual work left (``--check`` and similar), or the demo saw agentkit misbehave."""
EXIT_BAD_INPUT = 2
"""Bad input or environment: a missing path, a malformed file, an unknown flag, a missing extra."""
EXIT_BROKEN_PIPE = 141
"""The reader of stdout went away (``| head``): 128 + SIGPIPE, what a shell reports for a killed writer."""

CONTRACT = f"""\
every command:
  exit 0  success
  exit 1  changes pending or manual work left (--check and similar)
  exit 2  bad input or environment: one line on stderr names the path (or flag) and the fix
  machine-readable output (--json, --report json) goes alone to stdout; progress and errors go to stderr
  piping into head is quiet (exit {EXIT_BROKEN_PIPE} when the reader stops early)

install the extras a command needs with: {install_hint("all")}"""
"""The contract every ``agentkit`` command follows, printed at the end of ``agentkit --help``."""


class ArgumentParser(argparse.ArgumentParser):
    """An ``argparse`` parser whose usage errors are one line on stderr and exit code 2.

    Subparsers created with ``add_subparsers()`` / ``add_parser()`` use this class too.
    """

    def error(self, message: str) -> NoReturn:
        """Report a usage error in one line and exit 2."""
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {_one_line(message)} (see `{self.prog} --help`)\n")


def build_parser() -> argparse.ArgumentParser:
    """Build the ``agentkit`` argument parser."""
    parser = ArgumentParser(
        prog="agentkit",
        description=(
            "Production building blocks for AutoGen v0.4+: budgets, deadlines, provider failover,\n"
            "tool governance and pyautogen v0.2 migration."
        ),
        epilog=CONTRACT,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"agentkit {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")

    from ._demo import register as register_demo

    register_demo(subparsers)
    try:
        from .migrate._cli import register as register_migrate
    except ModuleNotFoundError as error:  # pragma: no cover - a broken install: keep `demo` usable
        if not (error.name or "").startswith("agentkit"):
            raise
    else:
        register_migrate(subparsers)
    return parser


MIN_WIDTH, MAX_WIDTH, FALLBACK_WIDTH = 60, 120, 100


def terminal_width() -> int:
    """The width to wrap output to: the terminal's (``COLUMNS`` honoured), 100 when not a tty, within 60..120."""
    columns = shutil.get_terminal_size(fallback=(FALLBACK_WIDTH, 24)).columns
    return max(MIN_WIDTH, min(MAX_WIDTH, columns))


def wrap(text: str, *, indent: str = "", hanging: str | None = None, width: int | None = None) -> str:
    """Wrap ``text`` to the terminal width at word boundaries (never cutting a word or a path)."""
    return textwrap.fill(
        text,
        width=width or terminal_width(),
        initial_indent=indent,
        subsequent_indent=indent if hanging is None else hanging,
        break_long_words=False,
        break_on_hyphens=False,
    )


def fail(message: str) -> int:
    """Print ``agentkit: error: <message>`` as one line on stderr and return :data:`EXIT_BAD_INPUT`."""
    print(f"agentkit: error: {_one_line(message)}", file=sys.stderr, flush=True)
    return EXIT_BAD_INPUT


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``agentkit`` command line and return its exit code (see :data:`CONTRACT`)."""
    try:
        try:
            code = _run(argv)
        except SystemExit:  # --help, --version and usage errors: their output must be flushed here too
            sys.stdout.flush()
            raise
        sys.stdout.flush()
    except BrokenPipeError:
        return _reader_went_away()
    return code


def _run(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return EXIT_OK
    try:
        return int(handler(args))
    except BrokenPipeError:
        raise
    except AgentkitError as error:  # bad input: a clear message, never a traceback
        return fail(str(error))
    except ModuleNotFoundError as error:  # an extra is missing and the command did not say which
        if (error.name or "agentkit").partition(".")[0] == "agentkit":
            raise  # a bug, not the environment
        return fail(str(_missing_extra(error, args)))
    except OSError as error:  # a path the user named does not exist, is not writable, ...
        if not _names_a_given_path(error, args):
            raise  # a path of agentkit's own: a bug, not bad input
        return fail(_os_error(error))
    except KeyboardInterrupt:  # pragma: no cover - interactive
        print("agentkit: interrupted", file=sys.stderr)
        return 130


def _reader_went_away() -> int:
    # The standard recipe (Python docs, "Note on SIGPIPE"): point stdout at devnull so that the interpreter's
    # final flush does not raise again, and exit quietly.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # pragma: no cover - stdout already closed or replaced
        pass
    return EXIT_BROKEN_PIPE


def _missing_extra(error: ModuleNotFoundError, args: Any) -> MissingExtraError:
    module = error.name or "?"
    extra = EXTRAS.get(module) or EXTRAS.get(module.partition(".")[0]) or "all"
    parts = ("agentkit", getattr(args, "command", None), getattr(args, "migrate_command", None))
    feature = " ".join(str(part) for part in parts if part)
    return MissingExtraError(
        module, extra, feature, f"needs the {module.partition('.')[0]!r} package, which is not installed."
    )


def _given_paths(args: argparse.Namespace) -> list[str]:
    values: list[Any] = []
    for value in vars(args).values():
        values.extend(value if isinstance(value, (list, tuple)) else [value])
    return [os.path.abspath(v) for v in values if isinstance(v, (str, os.PathLike)) and str(v)]


def _names_a_given_path(error: OSError, args: argparse.Namespace) -> bool:
    """Whether the failing path is one the user gave, lies inside one, or is a parent directory of one."""
    for name in (error.filename, error.filename2):
        if name is None or not isinstance(name, (str, bytes, os.PathLike)):
            continue
        path = os.path.abspath(os.fsdecode(name))
        for given in _given_paths(args):
            if path == given or path.startswith(given + os.sep) or given.startswith(path + os.sep):
                return True
    return False


def _os_error(error: OSError) -> str:
    path = error.filename if error.filename is not None else ""
    reason = error.strerror or str(error) or type(error).__name__
    if isinstance(error, FileNotFoundError):
        fix = "Check the path; the directory it names must exist."
    elif isinstance(error, NotADirectoryError):
        fix = "A part of this path is a file, not a directory."
    elif isinstance(error, IsADirectoryError):
        fix = "Name a file, not a directory."
    elif isinstance(error, PermissionError):
        fix = "Choose a path you may read (or, for output, write)."
    elif path:
        fix = "Check the path and try again."
    else:
        return f"{reason} ({type(error).__name__})."
    return f"{path}: {reason}. {fix}" if path else f"{reason}. {fix}"


def _one_line(text: str) -> str:
    return " ".join(line.strip() for line in str(text).splitlines() if line.strip())


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
