"""Optional dependencies: import one, or fail with one line that names the package extra to install.

agentkit's core needs only AutoGen; provider SDKs, LibCST, Redis and the rest come with extras of the
``autogen-agentkit`` distribution. Every entry point that needs one calls :func:`require` before its typed
import, so a plain install gets ``<feature>: needs the 'openai' package, which is not installed. Install it
with: pip install "autogen-agentkit[openai]"`` (a :class:`~agentkit.exceptions.MissingExtraError`, which the
``agentkit`` command turns into that one line and exit code 2) instead of a traceback.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from .exceptions import MissingExtraError

__all__ = ("DISTRIBUTION", "EXTRAS", "install_hint", "require")

DISTRIBUTION = "autogen-agentkit"
"""The name on the package index (``agentkit`` there is an unrelated project); the import name is ``agentkit``."""

EXTRAS: dict[str, str] = {
    "openai": "openai",
    "tiktoken": "openai",
    "autogen_ext.models.openai": "openai",
    "anthropic": "anthropic",
    "autogen_ext.models.anthropic": "anthropic",
    "azure": "azure",
    "azure.core": "azure",
    "azure.identity": "azure",
    "mcp": "mcp",
    "autogen_ext.tools.mcp": "mcp",
    "yaml": "yaml",
    "libcst": "migrate",
    "diskcache": "migrate",
    "redis": "redis",
}
"""Which extra installs a module (top-level name or the AutoGen module that needs it)."""


def install_hint(extra: str) -> str:
    """The command that installs an extra: ``pip install "autogen-agentkit[<extra>]"``."""
    return f'pip install "{DISTRIBUTION}[{extra}]"'


def require(module: str, extra: str | None = None, *, feature: str = "") -> ModuleType:
    """Import ``module``, or raise a one-line :class:`~agentkit.exceptions.MissingExtraError` naming the extra.

    Call it at the top of an entry point that needs an optional dependency, before the typed import::

        require("openai", feature="agentkit demo --live")
        from autogen_ext.models.openai import OpenAIChatCompletionClient

    Args:
        module: Dotted module name, e.g. ``"libcst"`` or ``"autogen_ext.models.openai"``.
        extra: The extra that installs it; looked up in :data:`EXTRAS` (by the module, then its top-level
            package) when omitted.
        feature: What needs it, named in the message (``"agentkit migrate code"``); defaults to the module.

    Returns:
        The imported module.

    Raises:
        MissingExtraError: The module (or a dependency it imports) is not installed, or an installed version
            cannot be imported.
    """
    try:
        return importlib.import_module(module)
    except ImportError as error:
        name = extra or EXTRAS.get(module) or EXTRAS.get(module.partition(".")[0]) or "all"
        if isinstance(error, ModuleNotFoundError):
            missing = error.name or module
            problem = f"needs the {missing.partition('.')[0]!r} package, which is not installed."
        else:
            problem = f"cannot import {module!r} ({error}); the installed version may not be supported."
        raise MissingExtraError(module, name, feature, problem) from error
