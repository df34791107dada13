# ruff: noqa: RUF001, RUF002
"""Tool-name canonicalisation and glob matching that resist case, Unicode and separator tricks.

A policy that says ``deny: ["delete_*"]`` must also catch ``Delete_File``, ``ｄｅｌｅｔｅ_file`` (fullwidth),
``dеlete_file`` (Cyrillic ``е``), ``delete-file``, ``delete.file``, ``delete file`` and ``delete__file`` (tool
providers and MCP servers pick their own separators). Names and globs are compared in ONE canonical form, used
for every rule (allow, deny, per-tool rules, limits, approvals, redaction): NFKC, common confusables folded to
Latin, invisible characters dropped, case-folded, surrounding whitespace stripped, then every run of characters
outside ``[a-z0-9]`` (``-``, ``_``, ``.``, spaces, ...) folded to a single ``_``. In globs ``*`` and ``?`` stay
wildcards (``?`` matches one character of the canonical form).
"""

from __future__ import annotations

import re
import unicodedata
from fnmatch import fnmatchcase
from functools import lru_cache

__all__ = ("canonical_glob", "canonical_name", "is_plain_ascii_name", "matches_any")

# The usual Cyrillic and Greek look-alikes of Latin letters (a subset of Unicode's confusables.txt that
# covers every letter an attacker can use to spell an ASCII tool name).
_CONFUSABLES = str.maketrans(
    {
        "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c",
        "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ї": "i", "ј": "j", "ԁ": "d", "ԛ": "q", "ԝ": "w",
        "ɡ": "g", "һ": "h", "ӏ": "l", "ո": "n", "ս": "u",
        "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C", "Т": "T",
        "Х": "X", "Ѕ": "S", "І": "I", "Ј": "J", "Ү": "Y",
        "α": "a", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t", "υ": "u", "χ": "x",
        "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O",
        "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
        "ı": "i", "ȷ": "j", "ℓ": "l",
    }
)  # fmt: skip
_INVISIBLE = re.compile(
    r"[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufe00-\ufe0f\ufeff]"
)
_NOT_NAME = re.compile(r"[^a-z0-9]+")
_NOT_GLOB = re.compile(r"[^a-z0-9*?]+")
_PLAIN = re.compile(r"[A-Za-z0-9_-]{1,256}")


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub("", text).translate(_CONFUSABLES)
    return unicodedata.normalize("NFKC", text).casefold().strip()


@lru_cache(maxsize=4096)
def canonical_name(name: str) -> str:
    """The form tool names are compared in (see the module docstring): ``Read-File`` -> ``read_file``."""
    return _NOT_NAME.sub("_", _fold(name))


@lru_cache(maxsize=1024)
def canonical_glob(pattern: str) -> str:
    """Canonicalise a glob like :func:`canonical_name`, keeping ``*`` and ``?`` as wildcards."""
    return _NOT_GLOB.sub("_", _fold(pattern))


def matches_any(canonical: str, globs: tuple[str, ...]) -> str | None:
    """Return the first canonical glob that matches the canonical name, or ``None``."""
    for glob in globs:
        if fnmatchcase(canonical, glob):
            return glob
    return None


def is_plain_ascii_name(name: str) -> bool:
    """Whether a name is 1-256 characters of ``[A-Za-z0-9_-]`` (what OpenAI and Anthropic accept)."""
    return _PLAIN.fullmatch(name) is not None
