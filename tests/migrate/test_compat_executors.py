"""v02_default_executor: v0.2's run-time Docker-or-local choice from AUTOGEN_USE_DOCKER."""

from __future__ import annotations

import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from autogen_ext.code_executors.local import LocalCommandLineCodeExecutor

from agentkit.exceptions import ConfigurationError
from agentkit.migrate.compat import v02_default_executor

DOCKER_MODULE = "autogen_ext.code_executors.docker"


class _RecordingDocker:
    """Stands in for the optional docker package's executor (no daemon here): records its arguments."""

    def __init__(self, **kwargs: Any) -> None:
        self.kwargs = kwargs


@pytest.fixture
def fake_docker(monkeypatch: pytest.MonkeyPatch) -> None:
    module = ModuleType(DOCKER_MODULE)
    module.DockerCommandLineCodeExecutor = _RecordingDocker  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, DOCKER_MODULE, module)


@pytest.mark.parametrize("value", ["False", "false", "0", "no", "NO", "f", "None"])
def test_a_false_env_value_runs_code_locally_and_keeps_the_files(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, value: str
) -> None:
    monkeypatch.setenv("AUTOGEN_USE_DOCKER", value)
    with pytest.warns(UserWarning, match="LocalCommandLineCodeExecutor"):
        executor = v02_default_executor(work_dir=tmp_path, timeout=7)
    assert isinstance(executor, LocalCommandLineCodeExecutor)
    assert executor.work_dir == tmp_path
    assert executor.timeout == 7
    assert executor.cleanup_temp_files is False


@pytest.mark.parametrize("value", [None, "True", "1", "yes", "T"])
def test_unset_or_true_chooses_docker(monkeypatch: pytest.MonkeyPatch, fake_docker: None, value: str | None) -> None:
    if value is None:
        monkeypatch.delenv("AUTOGEN_USE_DOCKER", raising=False)
    else:
        monkeypatch.setenv("AUTOGEN_USE_DOCKER", value)
    executor = v02_default_executor(work_dir="coding")
    assert isinstance(executor, _RecordingDocker)
    assert executor.kwargs == {"work_dir": "coding", "timeout": 600}


def test_docker_without_the_extra_is_one_line_naming_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AUTOGEN_USE_DOCKER", raising=False)
    monkeypatch.setitem(sys.modules, DOCKER_MODULE, None)  # import fails as when autogen-ext[docker] is missing
    with pytest.raises(ConfigurationError) as caught:
        v02_default_executor(work_dir="coding")
    message = str(caught.value)
    assert "\n" not in message
    assert 'pip install "autogen-ext[docker]"' in message
    assert "AUTOGEN_USE_DOCKER=False" in message


def test_an_unknown_env_value_is_rejected_like_v02(monkeypatch: pytest.MonkeyPatch, fake_docker: None) -> None:
    monkeypatch.setenv("AUTOGEN_USE_DOCKER", "maybe")
    with pytest.raises(ConfigurationError, match=r"^AUTOGEN_USE_DOCKER: must be a yes/no value, got 'maybe'"):
        v02_default_executor()


def test_documented_under_the_public_path() -> None:
    assert v02_default_executor.__module__ == "agentkit.migrate.compat"
