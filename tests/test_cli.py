"""The ``agentkit`` command line."""

from __future__ import annotations

import argparse
import errno
import json
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import agentkit
from agentkit import _cli as cli
from agentkit._cli import ArgumentParser, main
from agentkit._extras import EXTRAS, install_hint, require
from agentkit.exceptions import ConfigurationError, MissingExtraError


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
    assert not proc.stderr
    report = json.loads(proc.stdout)
    assert report["ok"] is True
    assert report["backend"] == "http"
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
    assert len(err.strip().splitlines()) == 1


# -- distribution name and extras ---------------------------------------------------------------------------------

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


def _project() -> dict[str, Any]:
    import tomllib

    with PYPROJECT.open("rb") as f:
        project: dict[str, Any] = tomllib.load(f)["project"]
    return project


@pytest.mark.skipif(sys.version_info < (3, 11), reason="tomllib is Python 3.11+")
def test_distribution_name_and_all_extra() -> None:
    project = _project()
    assert project["name"] == "autogen-agentkit"
    extras: dict[str, list[str]] = project["optional-dependencies"]
    (everything,) = extras["all"]
    assert everything.startswith("autogen-agentkit[")
    listed = set(everything[len("autogen-agentkit[") : -1].split(","))
    assert listed == set(extras) - {"all"}
    assert {"openai", "anthropic", "azure", "mcp", "yaml", "migrate", "redis"} <= listed
    assert any("autogen-ext[" in dep and "azure" in dep for dep in extras["azure"])
    assert set(EXTRAS.values()) <= set(extras)


def test_require_names_the_extra_in_one_line() -> None:
    assert require("json").__name__ == "json"
    with pytest.raises(MissingExtraError) as info:
        require("agentkit_no_such_sdk.models", "openai", feature="agentkit demo --live")
    error = info.value
    assert isinstance(error, ImportError)
    assert isinstance(error, ConfigurationError)
    assert str(error) == (
        "agentkit demo --live: needs the 'agentkit_no_such_sdk' package, which is not installed. "
        'Install it with: pip install "autogen-agentkit[openai]"'
    )
    assert (error.module, error.extra) == ("agentkit_no_such_sdk.models", "openai")
    again = pickle.loads(pickle.dumps(error))
    assert str(again) == str(error)
    assert install_hint("migrate") == 'pip install "autogen-agentkit[migrate]"'


def test_require_looks_up_the_extra_by_module() -> None:
    with pytest.raises(MissingExtraError, match=r"autogen-agentkit\[migrate\]"):
        require("libcst.agentkit_no_such_module")


def test_demo_table_wraps_to_width_without_cutting_words() -> None:
    from agentkit._demo import _table
    from agentkit._demo._framework import ActReport

    long = "stopped after " + " ".join(f"word{i}" for i in range(60))
    text = _table([ActReport(name="budget", title="t", outcome=long)], 60)
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 60
    assert " ".join(text.split()).endswith(" ".join(long.split()))  # every word kept whole, in order


@pytest.mark.parametrize(
    "argv",
    [
        ["--help"],
        ["demo", "--help"],
        ["migrate", "--help"],
        ["migrate", "config", "--help"],
        ["migrate", "code", "--help"],
    ],
    ids=" ".join,
)
def test_help_never_suggests_the_bare_distribution_name(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    from tests.test_docs import BARE_NAME

    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert not BARE_NAME.search(out), out


# -- the contract every subcommand inherits from agentkit._cli.main ------------------------------------------------


def _parser_with(handler: Any) -> argparse.ArgumentParser:
    parser = ArgumentParser(prog="agentkit")
    sub = parser.add_subparsers(dest="command")
    boom = sub.add_parser("boom")
    boom.add_argument("paths", nargs="*")
    boom.add_argument("-o", "--output")
    boom.set_defaults(handler=handler)
    return parser


def _raises(error: BaseException) -> Any:
    def handler(args: argparse.Namespace) -> int:
        raise error

    return handler


@pytest.mark.parametrize(
    ("error", "needles"),
    [
        (ConfigurationError("-o", "the directory does not exist.", "Create it first."), ["-o:", "Create it first."]),
        (MissingExtraError("libcst", "migrate", "agentkit migrate code"), ['"autogen-agentkit[migrate]"']),
        (ModuleNotFoundError("No module named 'libcst'", name="libcst"), ["agentkit boom", "agentkit[migrate]"]),
        (FileNotFoundError(errno.ENOENT, "No such file or directory", "in/x.json"), ["in/x.json", "must exist"]),
        (NotADirectoryError(errno.ENOTDIR, "Not a directory", "f/out.json"), ["f/out.json", "not a directory"]),
        (PermissionError(errno.EACCES, "Permission denied", "/root/out.json"), ["/root/out.json", "Permission"]),
    ],
    ids=lambda v: type(v).__name__ if isinstance(v, BaseException) else "",
)
def test_subcommands_inherit_one_line_errors_exit_2(
    error: BaseException, needles: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(cli, "build_parser", lambda: _parser_with(_raises(error)))
    assert main(["boom", "in", "/root/out.json", "-o", "f/out.json"]) == 2
    out, err = capsys.readouterr()
    assert not out
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("agentkit: error: ")
    for needle in needles:
        assert needle in lines[0]


def test_a_bug_still_shows_its_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "build_parser", lambda: _parser_with(_raises(KeyError("bug"))))
    with pytest.raises(KeyError):
        main(["boom"])
    own_file = FileNotFoundError(errno.ENOENT, "No such file or directory", "/tmp/agentkit-internal/x")
    monkeypatch.setattr(cli, "build_parser", lambda: _parser_with(_raises(own_file)))
    with pytest.raises(FileNotFoundError):  # a path the user did not give: agentkit's bug, shown as such
        main(["boom", "in/x.json"])
    missing_own_module = ModuleNotFoundError("No module named 'agentkit.nope'", name="agentkit.nope")
    monkeypatch.setattr(cli, "build_parser", lambda: _parser_with(_raises(missing_own_module)))
    with pytest.raises(ModuleNotFoundError):
        main(["boom"])


def test_broken_pipe_is_a_quiet_exit(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    # (a real closed pipe, with the redirection of stdout to devnull: tests/test_cli_contract.py)
    monkeypatch.setattr(cli, "build_parser", lambda: _parser_with(_raises(BrokenPipeError(errno.EPIPE, "pipe"))))
    assert main(["boom"]) == cli.EXIT_BROKEN_PIPE == 141
    assert capsys.readouterr().err == ""


def test_usage_errors_are_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["demo", "--only"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("agentkit demo: error: ")
    assert "(see `agentkit demo --help`)" in err
