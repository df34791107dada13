# ruff: noqa: RUF002
"""Path checks: a path argument must resolve inside one of the allowed roots.

The check refuses anything a tool (or the operating system) could later read differently from the way the
policy read it: NUL and control characters, backslashes, ``~`` and ``$VAR`` (``expanduser`` /
``expandvars``), ``scheme://`` prefixes, and text that Unicode NFKC normalisation would change (fullwidth
``．．／`` becomes ``../``). The remaining path is made absolute (against ``relative_to``), normalised
lexically (``..``) *and* resolved through symlinks (``realpath``); both forms must lie inside a root, which is
itself resolved. A path that names a root with different letter case (``/srv/DATA`` for ``/srv/data``) is
accepted only when case folding is enabled *and* the file system itself says the two are the same directory
(``os.path.samefile``): on a case-sensitive volume ``/srv/DATA`` is another directory and is refused.
"""

from __future__ import annotations

import os
import re
import sys
import unicodedata

__all__ = ("PathVerdict", "check_path", "default_case_insensitive", "resolve_root")

_FORBIDDEN = re.compile(r"[\x00-\x1f\x7f-\x9f\\\u2028\u2029\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
_ENV = re.compile(r"\$(\w|\{)|%\w+%")


class PathVerdict:
    """Why a path was refused (``None`` from :func:`check_path` means it is allowed)."""

    __slots__ = ("check", "reason")

    def __init__(self, check: str, reason: str) -> None:
        self.check = check
        self.reason = reason


def default_case_insensitive() -> bool:
    """Whether the platform's default file systems compare names case-insensitively (macOS, Windows).

    Only decides whether case variants are *considered*; the file system decides whether they are accepted.
    """
    return sys.platform in ("darwin", "win32", "cygwin")


def resolve_root(root: str) -> tuple[str, str]:
    """The absolute (lexical) and the symlink-free form of a root directory (``~`` expanded)."""
    absolute = os.path.normpath(os.path.abspath(os.path.expanduser(root)))
    return absolute, os.path.realpath(absolute)


def _inside(path: str, roots: tuple[str, ...], case_insensitive: bool) -> bool:
    for root in roots:
        if path == root or path.startswith(root.rstrip(os.sep) + os.sep):
            return True
    return case_insensitive and _inside_folded(path, roots)


def _same_directory(candidate: str, root: str) -> bool:
    """Whether the file system resolves ``candidate`` to the very directory ``root`` (device and inode)."""
    try:
        return os.path.samefile(candidate, root)
    except (OSError, ValueError):
        return False


def _inside_folded(path: str, roots: tuple[str, ...]) -> bool:
    """Case-variant prefixes of a root count only if the file system says they are the root itself."""
    parts = path.split(os.sep)
    for root in roots:
        depth = len(root.rstrip(os.sep).split(os.sep))
        if len(parts) < depth:
            continue
        prefix = os.sep.join(parts[:depth]) or os.sep
        if prefix.casefold() == root.rstrip(os.sep).casefold() and _same_directory(prefix, root):
            return True
    return False


def check_path(
    value: str,
    *,
    lexical_roots: tuple[str, ...],
    real_roots: tuple[str, ...],
    relative_to: str | None,
    case_insensitive: bool,
    max_length: int,
) -> PathVerdict | None:
    """Check one path against the roots; return why it is refused, or ``None``.

    ``lexical_roots`` holds the roots as written and resolved (a lexically normalised path may be inside
    either); ``real_roots`` only the resolved ones (the symlink-free path must be inside one of those).
    """
    if not value:
        return PathVerdict("path.empty", "is empty")
    if len(value) > max_length:
        return PathVerdict("path.length", f"is longer than {max_length} characters")
    if _FORBIDDEN.search(value):
        return PathVerdict("path.chars", "contains control characters, invisible characters or a backslash")
    if unicodedata.normalize("NFKC", value) != value:
        return PathVerdict("path.unicode", "is not in Unicode NFKC normal form")
    if value.startswith("~") or _ENV.search(value):
        return PathVerdict("path.expansion", "uses '~' or environment-variable expansion")
    if "://" in value or value.startswith("file:"):
        return PathVerdict("path.scheme", "is a URL, not a file path")
    base = relative_to if relative_to is not None else os.getcwd()
    joined = os.path.join(base, value)
    if not _inside(os.path.normpath(joined), lexical_roots, case_insensitive):
        return PathVerdict("path.within", "is outside the allowed directories")
    try:
        # resolve the path as the OS will: symlinks first, then "..", component by component ("a/link/.."
        # is the link target's parent, not "a"), so never realpath() a lexically normalised path
        resolved = os.path.realpath(joined)
    except (OSError, ValueError, RuntimeError):
        return PathVerdict("path.resolve", "cannot be resolved")
    if not _inside(resolved, real_roots, case_insensitive):
        return PathVerdict("path.symlink", "resolves (through a symbolic link) outside the allowed directories")
    return None
