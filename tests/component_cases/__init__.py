"""Component round-trip cases, one module per building block.

Each module defines ``CASES: list[ComponentCase]``. ``tests/test_components.py`` dumps each component to
JSON, loads it back with ``load_component`` and runs the case's ``check`` on the original and the loaded
copy, so the round trip is tested for behaviour, not just for equal dicts.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from autogen_core import ComponentBase
from pydantic import BaseModel

__all__ = ("ComponentCase",)


@dataclass(frozen=True)
class ComponentCase:
    """One component to round-trip.

    Attributes:
        id: Test id.
        build: Builds the original component (called inside the test's event loop).
        check: ``await check(original, loaded)`` asserts equivalent behaviour; ``None`` only compares configs.
        interface: The AutoGen interface to load with (``ChatCompletionClient``, ``TerminationCondition``,
            ``Workbench``).
    """

    id: str
    build: Callable[[], ComponentBase[BaseModel]]
    interface: type[ComponentBase[Any]]
    check: Callable[[Any, Any], Awaitable[None]] | None = None
