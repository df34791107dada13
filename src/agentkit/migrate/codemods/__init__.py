"""LibCST rules that rewrite pyautogen v0.2 code toward the AutoGen v0.4 API (the ``migrate`` extra).

Each rule has a stable code (:class:`Rule`, ``AK001``...) and lives in its own module; ``gather_codemods``
returns them in their fixed order. What cannot be rewritten safely is kept and marked with
``# TODO[agentkit AKxxx]: <the manual step>``. The command line is ``agentkit migrate code``.

The names below load on first use: importing this package (which the ``agentkit`` command line does to
register ``migrate code``) imports neither LibCST nor the rules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..._extras import require
from ..._lazy import lazy_exports

if TYPE_CHECKING:
    from ._base import AgentkitCodemod
    from ._engine import MigrationResult, gather_codemods, migrate_source, parse_rules
    from ._files import FileResult, PathsReport, migrate_notebook, migrate_paths
    from ._rules import Rule

__all__ = (
    "AgentkitCodemod",
    "FileResult",
    "MigrationResult",
    "PathsReport",
    "Rule",
    "gather_codemods",
    "migrate_notebook",
    "migrate_paths",
    "migrate_source",
    "parse_rules",
)

_HOMES = {
    "AgentkitCodemod": "._base",
    "FileResult": "._files",
    "MigrationResult": "._engine",
    "PathsReport": "._files",
    "Rule": "._rules",
    "gather_codemods": "._engine",
    "migrate_notebook": "._files",
    "migrate_paths": "._files",
    "migrate_source": "._engine",
    "parse_rules": "._engine",
}


_load, __dir__ = lazy_exports(__name__, _HOMES)


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        require("libcst", "migrate", feature="agentkit.migrate.codemods")
    return _load(name)
