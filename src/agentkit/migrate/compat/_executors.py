"""v0.2's default code executor: Docker or local, chosen at run time from ``AUTOGEN_USE_DOCKER``."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from ..._extras import require
from ...exceptions import ConfigurationError, MissingExtraError

if TYPE_CHECKING:
    from autogen_core.code_executor import CodeExecutor

__all__ = ("V02_USE_DOCKER_ENV", "v02_default_executor", "v02_uses_docker")

V02_USE_DOCKER_ENV = "AUTOGEN_USE_DOCKER"
"""The environment variable v0.2 read when ``code_execution_config`` gave no ``use_docker`` (default ``"True"``)."""

_TRUTHY = frozenset({"1", "true", "yes", "t"})
_FALSY = frozenset({"0", "false", "no", "f", "none"})  # v0.2's "None" ran the code locally too
_DOCKER_MODULE = "autogen_ext.code_executors.docker"
_FEATURE = "agentkit.migrate.compat.v02_default_executor (Docker)"


def v02_uses_docker() -> bool:
    """Whether v0.2 would run code in Docker for a ``code_execution_config`` without ``use_docker``.

    v0.2 (``decide_use_docker``) read ``AUTOGEN_USE_DOCKER`` case-insensitively: unset or ``1``/``true``/``yes``/``t``
    → Docker; ``0``/``false``/``no``/``f`` (and ``none``, which v0.2 then treated as false) → local.

    Returns:
        ``True`` for Docker, ``False`` for local execution.

    Raises:
        ConfigurationError: the variable holds another value (v0.2 raised ``ValueError`` too).
    """
    value = os.environ.get(V02_USE_DOCKER_ENV, "True")
    lowered = value.strip().lower()
    if lowered in _TRUTHY:
        return True
    if lowered in _FALSY:
        return False
    raise ConfigurationError(
        V02_USE_DOCKER_ENV,
        f"must be a yes/no value, got {value!r}.",
        "Set it to 1/True/yes (run code in Docker) or 0/False/no (run code locally), or unset it for Docker.",
    )


def v02_default_executor(*, work_dir: str | Path | None = None, timeout: int = 600) -> CodeExecutor:
    """The executor v0.2 used for a ``code_execution_config`` that did not set ``use_docker``.

    v0.2 decided at run time, from the ``AUTOGEN_USE_DOCKER`` environment variable (see :func:`v02_uses_docker`),
    so the migrated program does too: ``AUTOGEN_USE_DOCKER=False`` gives a
    ``LocalCommandLineCodeExecutor`` that keeps the files it writes (as v0.2 did); otherwise a
    ``DockerCommandLineCodeExecutor``, which needs ``autogen-ext[docker]`` and must be started
    (``await executor.start()`` or ``async with``) before the team runs. Unlike v0.2, a program running inside a
    container (``/.dockerenv``) is not silently switched to unsandboxed local execution.

    Example::

        executor = v02_default_executor(work_dir="coding")  # v0.2: {"work_dir": "coding"}

    Args:
        work_dir: v0.2's ``work_dir``; ``None`` lets v0.4 pick a temporary directory.
        timeout: Seconds per code block; v0.2's legacy default was 600 (v0.4's is 60).

    Returns:
        A v0.4 ``LocalCommandLineCodeExecutor`` or (not yet started) ``DockerCommandLineCodeExecutor``.

    Raises:
        ConfigurationError: ``AUTOGEN_USE_DOCKER`` holds an unknown value, or Docker was chosen and
            ``autogen-ext[docker]`` is not installed.
    """
    if not v02_uses_docker():
        from autogen_ext.code_executors.local import LocalCommandLineCodeExecutor

        return LocalCommandLineCodeExecutor(work_dir=work_dir, timeout=timeout, cleanup_temp_files=False)
    try:
        module = require(_DOCKER_MODULE, "docker", feature=_FEATURE)
    except MissingExtraError as error:
        raise ConfigurationError(
            _FEATURE,
            f"{V02_USE_DOCKER_ENV} selects Docker (as in v0.2) but {error.problem}",
            f'Install it with: pip install "autogen-ext[docker]", or set {V02_USE_DOCKER_ENV}=False to run code '
            "locally.",
        ) from error
    executor: CodeExecutor = module.DockerCommandLineCodeExecutor(work_dir=work_dir, timeout=timeout)
    return executor
