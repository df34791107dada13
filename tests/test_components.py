"""Every agentkit component round-trips through dump_component() -> JSON -> load_component()."""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
from typing import Any

import pytest
from autogen_core import Component, ComponentModel

import agentkit

from .component_cases import ComponentCase


def _all_cases() -> list[ComponentCase]:
    from . import component_cases

    cases: list[ComponentCase] = []
    for info in pkgutil.iter_modules(component_cases.__path__):
        module = importlib.import_module(f"{component_cases.__name__}.{info.name}")
        cases.extend(module.CASES)
    return cases


CASES = _all_cases()


def _public_component_classes() -> set[type[Any]]:
    found: set[type[Any]] = set()
    for info in pkgutil.walk_packages(agentkit.__path__, prefix="agentkit."):
        if any(part.startswith("_") for part in info.name.split(".")[1:]):
            continue
        module = importlib.import_module(info.name)
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name)
            if inspect.isclass(obj) and issubclass(obj, Component) and not inspect.isabstract(obj):
                found.add(obj)
    return found


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
async def test_round_trip(case: ComponentCase) -> None:
    original = case.build()
    dumped = original.dump_component()
    provider = dumped.provider
    assert provider.startswith("agentkit."), provider
    assert "._" not in provider, f"provider {provider} exposes a private module"
    as_json = dumped.model_dump_json()
    loaded = case.interface.load_component(ComponentModel.model_validate(json.loads(as_json)))
    assert type(loaded) is type(original)
    assert loaded.dump_component().model_dump_json() == as_json
    if case.check is not None:
        await case.check(original, loaded)


def test_every_public_component_has_a_case() -> None:
    covered = {type(case.build()) for case in CASES}
    missing = {cls.__qualname__ for cls in _public_component_classes() - covered}
    assert not missing, f"components without a round-trip case in tests/component_cases/: {sorted(missing)}"
