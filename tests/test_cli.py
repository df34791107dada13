"""The ``agentkit`` command line."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import agentkit
from agentkit._cli import main


def test_help_lists_subcommands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert "demo" in out


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.strip() == f"agentkit {agentkit.__version__}"


def test_no_command_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 0
    assert "usage: agentkit" in capsys.readouterr().out


def test_demo_json_runs_offline() -> None:
    env = {"PATH": "", "HOME": "/nonexistent", "NO_PROXY": "*"}
    proc = subprocess.run(
        [sys.executable, "-m", "agentkit", "demo", "--json"], capture_output=True, text=True, env=env, timeout=300
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["ok"] is True
    names = [act["name"] for act in report["acts"]]
    assert names[0] == "team"
    assert all(act["ok"] for act in report["acts"])


def test_live_demo_without_a_key_explains_instead_of_crashing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    assert main(["demo", "--live"]) == 2
    err = capsys.readouterr().err
    assert "OPENAI_API_KEY" in err
    assert "Traceback" not in err
