"""Lazy public surfaces: a package's names load from their private module on first use (PEP 562).

``import agentkit.models`` then costs almost nothing; ``from agentkit.models import X`` imports only the
module that defines ``X`` (and what it needs). Each package keeps its names in ``__all__`` and, for type
checkers and documentation tools, in an ``if TYPE_CHECKING:`` block of ordinary imports.

When a private module loads, every public class and function the package takes from it is given the
package's name as its ``__module__``, so reprs, pickles and documentation show the public path
(``agentkit.models.X``), never the private one.
"""

from __future__ import annotations

import importlib
import sys
import types
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ("lazy_exports",)


def lazy_exports(package: str, homes: Mapping[str, str]) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """Build a package's ``__getattr__`` and ``__dir__`` from a map of public name -> private module.

    Args:
        package: The package's ``__name__``.
        homes: Each public name and the module (relative, e.g. ``"._failover"``) that defines it.

    Returns:
        The ``__getattr__`` and ``__dir__`` functions to assign at the package's top level.
    """

    def __getattr__(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module = importlib.import_module(home, package)
        namespace = vars(sys.modules[package])
        root = package.partition(".")[0]
        for other, other_home in homes.items():
            if other_home != home:
                continue
            value = getattr(module, other)
            if (
                isinstance(value, (type, types.FunctionType))
                and value.__module__.partition(".")[0] == root
                and "._" in value.__module__
            ):
                value.__module__ = package
            namespace[other] = value
        return namespace[name]

    def __dir__() -> list[str]:
        return sorted({*vars(sys.modules[package]), *homes})

    return __getattr__, __dir__
