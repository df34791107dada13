"""The public surface is curated: complete ``__all__`` lists, public module paths, docstrings."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from types import GenericAlias, ModuleType

import pytest

import agentkit


def _public_modules() -> list[ModuleType]:
    modules: list[ModuleType] = [agentkit]
    for info in pkgutil.walk_packages(agentkit.__path__, prefix="agentkit."):
        if any(part.startswith("_") for part in info.name.split(".")[1:]):
            continue
        modules.append(importlib.import_module(info.name))
    return modules


MODULES = _public_modules()


def _is_class(obj: object) -> bool:
    """A real class (on Python 3.10 ``inspect.isclass`` is also true for aliases such as ``Callable[..., X]``)."""
    return inspect.isclass(obj) and not isinstance(obj, GenericAlias)


def _isort_key(name: str) -> tuple[int, str]:
    """ruff's RUF022 order: CONSTANTS, then Classes, then everything else."""
    if name.isupper() and len(name) > 1:
        return (0, name)
    if name[:1].isupper():
        return (1, name)
    return (2, name)


@pytest.mark.parametrize("module", MODULES, ids=[m.__name__ for m in MODULES])
def test_all_is_complete_and_sorted(module: ModuleType) -> None:
    exported = list(getattr(module, "__all__", ()))
    assert exported == sorted(exported, key=_isort_key), f"{module.__name__}.__all__ is not sorted (ruff RUF022)"
    for name in exported:
        assert hasattr(module, name), f"{module.__name__}.__all__ lists missing name {name}"
    public_defined = {
        name
        for name, obj in vars(module).items()
        if not name.startswith("_")
        and (_is_class(obj) or inspect.isfunction(obj))
        and getattr(obj, "__module__", "").startswith(module.__name__)
    }
    missing = public_defined - set(exported)
    assert not missing, f"{module.__name__} defines public names missing from __all__: {sorted(missing)}"


@pytest.mark.parametrize("module", MODULES, ids=[m.__name__ for m in MODULES])
def test_exported_objects_are_documented_and_public(module: ModuleType) -> None:
    assert module.__doc__, f"{module.__name__} has no module docstring"
    for name in getattr(module, "__all__", ()):
        obj = getattr(module, name)
        if _is_class(obj) or inspect.isfunction(obj):
            assert obj.__doc__, f"{module.__name__}.{name} has no docstring"
            assert "._" not in obj.__module__, f"{module.__name__}.{name}.__module__ is private: {obj.__module__}"


def test_import_agentkit_does_not_import_provider_sdks() -> None:
    import subprocess
    import sys

    code = (
        "import sys, agentkit, agentkit.conditions, agentkit.models, agentkit.tools, agentkit.usage, "
        "agentkit.pricing, agentkit.deadlines, agentkit.migrate, agentkit.events, agentkit.exceptions\n"
        "heavy = sorted(m for m in ('openai', 'anthropic', 'autogen_ext.models.openai', "
        "'autogen_ext.models.anthropic', 'tiktoken', 'libcst', 'mcp') if m in sys.modules)\n"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "", f"importing agentkit pulled in: {out}"


def test_version_matches_metadata() -> None:
    from importlib.metadata import version

    assert agentkit.__version__ == version("autogen-agentkit")


def test_importing_the_subpackages_loads_no_heavy_dependency() -> None:
    # #13 item 12: a subpackage's names load on first use, so importing the four building blocks next to
    # autogen_agentchat adds agentkit's own small modules (plus, on 3.10, the exceptiongroup backport) and none of
    # AutoGen's core, pydantic, the provider SDKs or asyncio (benchmarks/bench_import.py measures the time).
    import subprocess
    import sys

    heavy = (
        "asyncio",
        "autogen_core",
        "autogen_ext",
        "pydantic",
        "pydantic_core",
        "openai",
        "anthropic",
        "httpx",
        "libcst",
        "redis",
        "yaml",
        "genai_prices",
        "tiktoken",
        "mcp",
    )
    code = (
        "import sys, autogen_agentchat\n"
        "before = set(sys.modules)\n"
        "import agentkit, agentkit.models, agentkit.tools, agentkit.conditions, agentkit.migrate\n"
        f"heavy = {heavy!r}\n"
        "print(','.join(sorted(m for m in set(sys.modules) - before if m.partition('.')[0] in heavy)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "", f"importing agentkit's subpackages pulled in: {out}"


@pytest.mark.parametrize(
    ("package", "name"),
    [
        ("agentkit.models", "FailoverChatCompletionClient"),
        ("agentkit.tools", "PolicyWorkbench"),
        ("agentkit.conditions", "BudgetTermination"),
        ("agentkit.migrate", "translate_config"),
        ("agentkit.usage", "UsageLedger"),
    ],
)
def test_lazy_names_resolve_to_their_public_path(package: str, name: str) -> None:
    module = importlib.import_module(package)
    assert name in dir(module)
    obj = getattr(module, name)
    assert obj.__module__ == package
    with pytest.raises(AttributeError, match="has no attribute 'NoSuchName'"):
        _ = module.NoSuchName
