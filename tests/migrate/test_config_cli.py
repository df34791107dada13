"""``agentkit migrate config``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from agentkit._cli import main


@pytest.fixture(autouse=True)
def _no_provider_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    """The translation reuses or avoids variable names the environment holds: start from none (another test
    may have left one behind)."""
    for name in list(os.environ):
        if name.endswith(("_API_KEY", "_API_KEY_2", "_BASE_URL", "_ENDPOINT", "_AD_TOKEN")) or name.startswith("AWS_"):
            monkeypatch.delenv(name)


CONFIG_LIST: list[dict[str, Any]] = [
    {"model": "gpt-4o", "api_key": "sk-cli-secret-000001", "tags": ["gpt4"]},
    {"model": "claude-3-5-haiku-20241022", "api_type": "anthropic", "api_key": "sk-ant-cli-secret-2"},
]


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "OAI_CONFIG_LIST"
    path.write_text(json.dumps(CONFIG_LIST))
    return path


def test_writes_component_atomically_and_report(
    config_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "client.json"
    assert main(["migrate", "config", str(config_file), "-o", str(out)]) == 0
    component = json.loads(out.read_text())
    assert component["provider"] == "autogen_ext.models.cache.ChatCompletionCache"
    assert component["config"]["client"]["provider"] == "agentkit.models.FailoverChatCompletionClient"
    captured = capsys.readouterr()
    assert "Translation report" in captured.err
    assert "sk-cli-secret" not in captured.err + captured.out + out.read_text()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".agentkit-")] == []


def test_stdout_filter_and_no_default_cache(config_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["migrate", "config", str(config_file), "--filter", "tags=gpt4", "--no-default-cache"]) == 0
    component = json.loads(capsys.readouterr().out)
    assert component["provider"] == "autogen_ext.models.openai.OpenAIChatCompletionClient"


def test_filter_repeated_and_comma_values(config_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["migrate", "config", str(config_file), "--filter", "model=gpt-4o,claude-3-5-haiku-20241022"]
    assert main([*argv, "--filter", "tags=gpt4", "--no-default-cache"]) == 0
    assert json.loads(capsys.readouterr().out)["config"]["model"] == "gpt-4o"


def test_check_exit_codes(tmp_path: Path, config_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "never.json"
    assert main(["migrate", "config", str(config_file), "--check", "-o", str(out)]) == 0
    assert not out.exists()
    manual = tmp_path / "manual.json"
    manual.write_text(json.dumps([{"model": "gpt-4o", "stream": True}]))
    assert main(["migrate", "config", str(manual), "--check"]) == 1
    assert "need manual work" in capsys.readouterr().err


def test_report_json(config_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["migrate", "config", str(config_file), "--report", "json", "--check"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["needs_manual_work"] is False
    assert {"OPENAI_API_KEY", "ANTHROPIC_API_KEY"} <= set(report["env"])


def test_prices_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "c.json"
    path.write_text(json.dumps([{"model": "m", "base_url": "http://127.0.0.1:1/v1", "price": [0.001, 0.002]}]))
    prices = tmp_path / "prices.json"
    assert main(["migrate", "config", str(path), "-o", str(tmp_path / "o.json"), "--prices", str(prices)]) == 0
    from agentkit.pricing import PriceTable, PriceTableConfig

    table = PriceTable.from_config(PriceTableConfig.model_validate_json(prices.read_text()))
    assert table.overrides["m"].output_per_mtok == 2


@pytest.mark.parametrize(
    ("content", "location"),
    [
        ('[{"model": "gpt-4o",', "line 1"),
        ('[{"model": "gpt-4o"}, {"model": "x", "api_type": "fireworks"}]', "[1].api_type"),
        ('[{"model": "gpt-4o", "temperature": "hot"}]', "[0].temperature"),
    ],
)
def test_bad_input_exits_2_without_traceback(
    tmp_path: Path, content: str, location: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    out = tmp_path / "out.json"
    assert main(["migrate", "config", str(path), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ")
    assert location in err
    assert "Traceback" not in err
    assert not out.exists()


def test_empty_after_filter_exits_2(config_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["migrate", "config", str(config_file), "--filter", "tags=none"]) == 2
    assert "no entry left after filtering" in capsys.readouterr().err


def test_bad_filter_syntax_exits_2(config_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["migrate", "config", str(config_file), "--filter", "tags"]) == 2
    assert "KEY=VALUE" in capsys.readouterr().err


def test_env_var_source(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("MY_OAI_CONFIG", json.dumps([{"model": "gpt-4o", "cache_seed": None}]))
    assert main(["migrate", "config", "MY_OAI_CONFIG"]) == 0
    assert json.loads(capsys.readouterr().out)["config"] == {"model": "gpt-4o"}


def test_migrate_help_is_fast_and_imports_nothing_heavy() -> None:
    code = (
        "import sys\n"
        "from agentkit._cli import main\n"
        "try:\n    main(['migrate', 'config', '--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('openai', 'anthropic', 'autogen_ext.models.openai', 'libcst', 'tiktoken') "
        "if m in sys.modules]\n"
        "print('HEAVY=' + ','.join(heavy))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "PATH|ENVVAR" in proc.stdout
    assert "HEAVY=\n" in proc.stdout or proc.stdout.rstrip().endswith("HEAVY=")


def test_migrate_without_subcommand_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["migrate"]) == 0
    assert "config" in capsys.readouterr().out


def test_no_client_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    disabled = tmp_path / "false.json"
    disabled.write_text("false")
    out = tmp_path / "out.json"
    assert main(["migrate", "config", str(disabled), "-o", str(out)]) == 0
    assert not out.exists()
    custom = tmp_path / "custom.json"
    custom.write_text(json.dumps([{"model": "m", "model_client_cls": "MyClient"}]))
    assert main(["migrate", "config", str(custom), "-o", str(out)]) == 1
    assert not out.exists()
    assert "nothing written" in capsys.readouterr().err


# --- the CLI contract (#14): 0 success, 1 changes pending (--check), 2 bad input or environment -------------


def _bad_inputs(tmp: Path, good: Path) -> dict[str, tuple[list[str], str]]:
    """Each kind of bad input: argv after ``migrate config`` and a fragment the one-line error must contain."""
    directory = tmp / "a-directory"
    directory.mkdir()

    def write(name: str, text: str) -> str:
        path = tmp / name
        path.write_text(text)
        return str(path)

    secret_json = json.dumps([{"model": "gpt-4o", "api_key": "sk-Zq9NeverEchoThisKey0123"}])
    return {
        "output-dir-missing": ([str(good), "-o", "/nonexistent/dir/out.json"], "/nonexistent/dir does not exist"),
        "output-is-directory": ([str(good), "-o", str(directory)], "is a directory"),
        "prices-dir-missing": ([str(good), "-o", str(tmp / "o.json"), "--prices", "/nonexistent/p.json"], "--prices"),
        "report-json-without-output": ([str(good), "--report", "json"], "Add -o OUT.json"),
        "missing-file": ([str(tmp / "nope.json")], "no such file"),
        "source-is-directory": ([str(directory)], "is a directory"),
        "invalid-json": ([write("bad.json", '[{"model": ')], "is not valid JSON"),
        "not-a-list": ([write("n.json", "42")], "must be an llm_config object"),
        "empty-list": ([write("e.json", "[]")], "the config list is empty"),
        "json-text-as-path": ([secret_json], "looks like JSON text"),
        "bad-filter": ([str(good), "--filter", "tags"], "KEY=VALUE"),
        "filter-matches-nothing": ([str(good), "--filter", "tags=none"], "no entry left"),
        "unknown-api-type": ([write("t.json", '[{"model": "m", "api_type": "fireworks"}]')], "[0].api_type"),
        "wrong-type": ([write("w.json", '[{"model": "gpt-4o", "temperature": "hot"}]')], "[0].temperature"),
        "missing-model": ([write("m.json", '[{"api_key": "sk-Zq9NeverEchoThisKey0123"}]')], "[0].model"),
    }


def test_every_kind_of_bad_input_is_one_line_on_stderr_and_exit_2(
    tmp_path: Path, config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cases = _bad_inputs(tmp_path, config_file)
    for name, (argv, fragment) in cases.items():
        before = sorted(p.name for p in tmp_path.rglob("*"))
        assert main(["migrate", "config", *argv]) == 2, name
        captured = capsys.readouterr()
        assert captured.out == "", name
        assert captured.err.startswith("error: "), (name, captured.err)
        assert captured.err.count("\n") == 1, (name, captured.err)
        assert fragment in captured.err, (name, captured.err)
        assert "Traceback" not in captured.err, name
        assert "Zq9" not in captured.err, name
        assert sorted(p.name for p in tmp_path.rglob("*")) == before, f"{name} wrote a file"


def test_bad_output_path_through_the_real_command_exits_2_without_traceback(config_file: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "agentkit", "migrate", "config", str(config_file), "-o", "/nonexistent/dir/out.json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.splitlines() == [
        "error: -o /nonexistent/dir/out.json: the directory /nonexistent/dir does not exist. Create it first or "
        "choose another path."
    ]


def test_report_json_is_alone_on_stdout_and_wrote_goes_to_stderr(
    tmp_path: Path, config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "client.json"
    assert main(["migrate", "config", str(config_file), "-o", str(out), "--report", "json"]) == 0
    captured = capsys.readouterr()
    report = json.loads(captured.out)  # the whole of stdout is one JSON document
    assert report["counts"]["changed"] >= 1
    assert captured.err.strip() == f"wrote {out}"
    assert json.loads(out.read_text())["provider"].endswith("ChatCompletionCache")


def test_check_exit_1_means_manual_work_never_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    manual = tmp_path / "manual.json"
    manual.write_text(json.dumps([{"model": "gpt-4o", "stream": True}]))
    assert main(["migrate", "config", str(manual), "--check", "--report", "json"]) == 1
    assert json.loads(capsys.readouterr().out)["needs_manual_work"] is True
    assert main(["migrate", "config", str(tmp_path / "missing.json"), "--check"]) == 2


def test_text_report_wraps_to_the_terminal_width_without_cutting_words(tmp_path: Path) -> None:
    source = tmp_path / "c.json"
    source.write_text(json.dumps([{"model": "gpt-4o", "stream": True}, {"model": "m", "api_type": "ollama"}]))
    proc = subprocess.run(
        [sys.executable, "-m", "agentkit", "migrate", "config", str(source), "--check"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "COLUMNS": "72"},
    )
    assert proc.returncode == 1
    for line in proc.stderr.splitlines():
        assert len(line) <= 72 or " " not in line.strip(), line  # only a single over-long word may stick out
    assert "model_client_stream=True" in proc.stderr.split()  # words are never split across lines
