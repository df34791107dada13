"""Secrets never reach what agentkit writes, driven through the real consumers with generated secrets.

Audit JSONL (a real ``JsonlAuditSink`` behind a real ``PolicyWorkbench``), events (a real handler on AutoGen's
event logger), exceptions (a real ``FailoverChatCompletionClient`` over real OpenAI clients and the fake
provider on 127.0.0.1), the v0.2 translator (``translate_config`` and the CLI's ``main``), and
``dump_component()`` of agentkit's wrapper clients.
"""

from __future__ import annotations

import asyncio
import json
import tempfile
import traceback
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from autogen_core.models import ChatCompletionClient, UserMessage
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agentkit.events import (
    AgentkitEvent,
    BudgetThresholdEvent,
    DeadlineEvent,
    ModelAttemptEvent,
    ToolDecisionEvent,
    emit,
)
from agentkit.exceptions import (
    BudgetExceededError,
    ConfigTranslationError,
    ConfigurationError,
    FailoverError,
    IncompleteStreamError,
    NoEligibleMemberError,
    ToolCallDeniedError,
)
from agentkit.migrate import translate_config
from agentkit.models import FailoverChatCompletionClient, MeteredChatCompletionClient
from agentkit.testing import FakeProvider, Fault, capture_events
from agentkit.tools import guard_tools

from ._secrets import Planted, Token, contexts, secrets

CONSUMER = settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _everything(events: list[AgentkitEvent]) -> str:
    return "\n".join(f"{e}\n{e!r}\n{json.dumps(e.kwargs, default=str)}" for e in events)


def send(to: str, body: str) -> str:
    """Send a message (pretend)."""
    return f"sent to {to}"


def delete_file(path: str) -> str:
    """Delete a file (pretend)."""
    return f"deleted {path}"


# ------------------------------------------------------------------------------------------------ audit


async def _audited_calls(path: Path, calls: list[tuple[str, dict[str, Any]]]) -> None:
    workbench = guard_tools([send, delete_file], {"deny": ["delete_*"]}, audit_path=path, agent="ops")
    for index, (name, arguments) in enumerate(calls):
        await workbench.call_tool(name, arguments, call_id=str(index))


@CONSUMER
@given(planted=contexts())
def test_audit_jsonl_and_events_never_hold_a_planted_secret(planted: Planted) -> None:
    calls = [
        ("send", {"to": "a@b.c", "body": planted.value}),  # allowed (arguments may be wrong: still audited)
        ("delete_file", {"path": "/tmp/x", "options": {"extra": planted.value}}),  # denied by name
        ("send", {"to": planted.value, "body": "hi"}),
    ]
    if isinstance(planted.value, str):
        calls.append((f"tool_{planted.value}", {}))  # the secret in a tool name (unknown tool)
    with tempfile.TemporaryDirectory() as directory, capture_events() as events:
        path = Path(directory) / "audit.jsonl"
        asyncio.run(_audited_calls(path, calls))
        written = path.read_text()
    assert len(written.splitlines()) == len(calls)
    assert len(events) == len(calls)
    assert planted.secret not in written, planted.where
    assert planted.secret not in _everything(events), planted.where


async def test_audit_regression_cases_of_issue_12(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    arguments = {
        "url": "https://alice:pa55word-1@db.example.com/x?access_token=acc-tok-1",
        "header": "Authorization: Basic YWxpY2U6cGE1NXdvcmQtMg==",
        "bearer": "Bearer abc+def/ghi=jkl==",
        "private_key": "pk-value-1",
        "passphrase": "pp-value-1",
        "pwd": "pwd-value-1",
        "cookie": "sid=cookie-value-1",
        "api key": "apikey-value-1",
        "nested": {"sk_live_51AbCdEfGhIjKlMnOpQrSt": "secret used as a key"},
        "my_very_long_github_personal_access_token_name": "long-name-value-1",
    }
    with capture_events() as events:
        await _audited_calls(path, [("send", arguments), ("ghp_16C7e42F292c6912E7710c838347Ae178B4a", {})])
    text = path.read_text() + _everything(events)
    for secret in (
        "pa55word-1", "acc-tok-1", "YWxpY2U6cGE1NXdvcmQtMg", "abc+def/ghi=jkl", "pk-value-1", "pp-value-1",
        "pwd-value-1", "cookie-value-1", "apikey-value-1", "sk_live_51AbCdEfGh", "long-name-value-1",
        "ghp_16C7e42F292c",
    ):  # fmt: skip
        assert secret not in text
    first = json.loads(path.read_text().splitlines()[0])
    assert first["tool"] == "send"
    assert first["arguments"]["url"].startswith("https://**********@db.example.com/x?access_token=**********")


# ----------------------------------------------------------------------------------------------- events


@CONSUMER
@given(planted=contexts())
def test_events_never_hold_a_planted_secret(planted: Planted) -> None:
    with capture_events() as events:
        emit(ModelAttemptEvent(member=planted.value, model="m", attempt=1, outcome="raise", error=planted.value))
        emit(DeadlineEvent(kind="soft", deadline_s=1.0, elapsed_s=1.0, target=planted.value))
        emit(BudgetThresholdEvent(limit="max_cost_usd", limit_value=1, observed=planted.value, agent=None))
        emit(ToolDecisionEvent(tool="t", arguments={"x": planted.value}, decision="deny", rule="r", reason="why"))
    assert len(events) == 4
    assert planted.secret not in _everything(events), planted.where


# ------------------------------------------------------------------------------------------- exceptions


@CONSUMER
@given(token=secrets())
def test_exception_messages_never_hold_a_planted_secret(token: Token) -> None:
    text = f"upstream said: {token.text}"
    errors: list[BaseException] = [
        ConfigurationError(f"field.{token.text}", text, text),
        ConfigTranslationError(text, text, text),
        BudgetExceededError(text, limit="l", limit_value=1, observed=2),
        IncompleteStreamError(text),
        NoEligibleMemberError({token.text: text}),
        ToolCallDeniedError(token.text, text, rule=text),
        FailoverError(text, [RuntimeError(text), ValueError(text)], [(token.text, RuntimeError(text))]),
    ]
    for error in errors:
        assert token.secret not in str(error), type(error).__name__
        assert token.secret not in repr(error), type(error).__name__
        assert all(token.secret not in str(arg) for arg in error.args if isinstance(arg, str))


async def test_failover_error_does_not_quote_a_providers_error_body(fake_provider: FakeProvider) -> None:
    secret = "sk-proj-Zq9AbCdEfGhIjKlMnOpQrSt"
    body = {"error": {"message": f"Incorrect API key provided: {secret}.", "code": "invalid_api_key"}}
    fake_provider.always("m1", Fault.status(401, body=body))
    fake_provider.always("m2", Fault.status(500, body={"error": {"message": f"upstream: password={secret}"}}))
    client = FailoverChatCompletionClient(
        [fake_provider.openai_client("m1"), fake_provider.openai_client("m2")], max_attempts=1
    )
    try:
        with pytest.raises(FailoverError) as caught:
            await client.create([UserMessage(content="hi", source="user")])
    finally:
        await client.close()
    error = caught.value
    assert len(error.exceptions) == 2  # the SDK errors themselves are kept for except*
    assert "AuthenticationError: Error code: 401 - Incorrect API key provided: **********" in str(error)
    assert secret not in str(error)
    assert secret not in repr(error)


class _Span:
    """Records what the failover client hands to an OpenTelemetry span (the SDK is not installed here)."""

    def __init__(self) -> None:
        self.recorded: list[str] = []

    def record_exception(self, error: BaseException, attributes: dict[str, Any] | None = None) -> None:
        # What the real SDK stores: its defaults (message, stack trace) updated with ``attributes``.
        stack = "".join(traceback.format_exception(type(error), error, error.__traceback__))
        stored = {"exception.message": str(error), "exception.stacktrace": stack, **(attributes or {})}
        self.recorded.append(json.dumps(stored))

    def __getattr__(self, name: str) -> Any:
        return lambda *args, **kwargs: None  # set_attribute, add_event, set_status, end: not what is checked


class _Tracer:
    def __init__(self) -> None:
        self.spans: list[_Span] = []

    def start_span(self, name: str, **kwargs: Any) -> _Span:
        self.spans.append(_Span())
        return self.spans[-1]


async def test_failover_span_never_records_a_providers_error_body(
    fake_provider: FakeProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    from agentkit.models import _failover_call

    tracer = _Tracer()
    monkeypatch.setattr(_failover_call, "_tracer", tracer)
    secret = "sk-proj-Zq9SpanSecretAbCdEfGhIj"
    fake_provider.always("m1", Fault.status(401, body={"error": {"message": f"Incorrect API key: {secret}"}}))
    client = FailoverChatCompletionClient([fake_provider.openai_client("m1")], max_attempts=1)
    try:
        with pytest.raises(FailoverError):
            await client.create([UserMessage(content="hi", source="user")])
    finally:
        await client.close()
    recorded = [text for span in tracer.spans for text in span.recorded]
    assert recorded  # the call's span recorded the exception
    assert all(secret not in text for text in recorded)


# ------------------------------------------------------------------------------------------- translator

_API_TYPES = [None, "openai", "azure", "anthropic", "google", "mistral", "groq", "together", "ollama", "deepseek"]


def _entry(api_type: str | None, where: str, planted: Planted, token: Token, header: str) -> dict[str, Any]:
    entry: dict[str, Any] = {"model": "claude-3-5-haiku-20241022" if api_type == "anthropic" else "gpt-4o"}
    if api_type is not None:
        entry["api_type"] = api_type
    if api_type == "azure":
        entry["api_version"] = "2024-06-01"
    if where == "url" and isinstance(planted.value, str) and planted.value.startswith("https://"):
        entry["base_url"] = planted.value
    elif where == "header":
        entry["default_headers"] = {header: token.text}
    elif where == "nested" and api_type == "anthropic":
        entry["metadata"] = {"user_id": token.text}
    elif where == "user" and api_type not in ("anthropic",):
        entry["user"] = token.text
    else:
        entry["default_headers"] = {"X-Trace": "fine", header: f"Bearer {token.secret}"}
    entry["api_key"] = token.text
    entry["some_unknown_key"] = {"password": token.text}
    return entry


def _check_translation_output(source: Any, secret: str) -> None:
    try:
        translation = translate_config(source, default_cache=False)
    except ConfigTranslationError as error:  # an entry the generator made invalid: still no echo of the input
        message = str(error)
        translation = None
    if translation is None:
        assert secret not in message
        return
    out = translation.to_json() + translation.report.to_text() + json.dumps(translation.report.to_dict())
    out += repr(translation) + repr(translation.report)
    assert secret not in out
    assert "${" in translation.to_json()  # the credential became an environment reference


@CONSUMER
@given(
    api_type=st.sampled_from(_API_TYPES),
    where=st.sampled_from(["url", "header", "nested", "user", "bearer"]),
    planted=contexts(),
    token=secrets(),
    header=st.sampled_from(["Authorization", "X-Api-Key", "X-Custom", "Helicone-Auth", "X-Anything"]),
)
def test_translator_output_and_report_never_hold_a_planted_secret(
    api_type: str | None, where: str, planted: Planted, token: Token, header: str
) -> None:
    entry = _entry(api_type, where, planted, token, header)
    _check_translation_output([entry], token.secret)
    if where == "url" and "base_url" in entry:
        _check_translation_output([entry], planted.secret)


def test_translator_url_credentials_for_every_api_type_become_references() -> None:
    for api_type in ("openai", "azure", "anthropic", "google", "ollama"):
        url = "https://alice:pw-Zq9secret@proxy.example.com/v1;key=Zq9semi?code=Zq9code#Zq9frag"
        translation = translate_config(
            [{"model": "gpt-4o", "api_type": api_type, "base_url": url, "api_version": "2024-06-01"}],
            default_cache=False,
        )
        text = translation.to_json() + translation.report.to_text()
        assert "Zq9" not in text, api_type
        changed = [i for i in translation.report if i.status == "changed" and i.target.endswith("}")]
        assert any(i.key in ("base_url", "azure_endpoint") for i in changed), api_type
        assert any("URL" in what for what in translation.report.env.values()), api_type


def test_json_text_passed_as_a_path_is_never_echoed(capsys: pytest.CaptureFixture[str]) -> None:
    from agentkit._cli import main

    text = json.dumps([{"model": "gpt-4o", "api_key": "sk-Zq9AbCdEfGhIjKlMnOpQrSt"}])
    with pytest.raises(ConfigTranslationError) as caught:
        translate_config(text)
    assert "Zq9" not in str(caught.value)
    assert "looks like JSON text" in str(caught.value)
    assert main(["migrate", "config", text]) == 2
    captured = capsys.readouterr()
    assert "Zq9" not in captured.err + captured.out
    assert captured.err.count("\n") == 1


@CONSUMER
@given(token=secrets(), header=st.sampled_from(["Authorization", "X-Custom", "api-key"]))
def test_cli_output_and_stderr_never_hold_a_planted_secret(token: Token, header: str) -> None:
    from agentkit._cli import main

    entries = [
        {"model": "gpt-4o", "api_key": token.text, "default_headers": {header: f"Bearer {token.secret}"}},
        {"model": "x", "api_type": "anthropic", "base_url": f"https://u:{token.secret}@h.example.com/v1"},
    ]
    with tempfile.TemporaryDirectory() as directory:
        source = Path(directory) / "OAI_CONFIG_LIST"
        source.write_text(json.dumps(entries))
        out = Path(directory) / "out.json"
        import contextlib
        import io

        stdout, stderr = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            code = main(["migrate", "config", str(source), "-o", str(out), "--report", "json"])
        assert code == 0, stderr.getvalue()
        written = out.read_text()
    assert json.loads(stdout.getvalue())["counts"]["changed"] >= 2  # the report alone on stdout
    assert token.secret not in stdout.getvalue() + stderr.getvalue() + written


# ------------------------------------------------------------------------------------- dump_component


@settings(CONSUMER, max_examples=200)  # each example builds a real OpenAI SDK client (the slow part)
@given(token=secrets(), header=st.sampled_from(["Authorization", "X-Api-Key", "X-Custom"]))
def test_dump_component_of_agentkit_wrappers_never_holds_a_planted_secret(token: Token, header: str) -> None:
    from autogen_ext.models.openai import OpenAIChatCompletionClient

    quoted = quote(token.secret, safe="")
    member = OpenAIChatCompletionClient(
        model="gpt-4o",
        api_key=token.text,
        base_url=f"http://alice:{quoted}@127.0.0.1:9/v1?api_key={quoted}",
        default_headers={header: token.text, "User-Agent": "tests"},
    )
    for client in (
        FailoverChatCompletionClient([member, member]),
        MeteredChatCompletionClient(member),
        MeteredChatCompletionClient(FailoverChatCompletionClient([member])),
    ):
        dumped = client.dump_component().model_dump_json()
        assert token.secret not in dumped
        assert quoted not in dumped
        assert '"User-Agent":"tests"' in dumped  # benign headers stay readable


def test_loading_a_masked_dump_fails_naming_the_field() -> None:
    from autogen_ext.models.openai import OpenAIChatCompletionClient

    member = OpenAIChatCompletionClient(model="gpt-4o", api_key="k", default_headers={"X-Api-Key": "v"})
    dumped = json.loads(FailoverChatCompletionClient([member]).dump_component().model_dump_json())
    with pytest.raises(ConfigurationError, match=r"members\[0\]\.client\.config\.default_headers\.X-Api-Key: holds"):
        ChatCompletionClient.load_component(dumped)
    metered = json.loads(MeteredChatCompletionClient(member).dump_component().model_dump_json())
    with pytest.raises(ConfigurationError, match=r"inner\.config\.default_headers\.X-Api-Key: .*Put the real value"):
        ChatCompletionClient.load_component(metered)
    plain = OpenAIChatCompletionClient(model="gpt-4o", api_key="k")  # nothing masked but the api_key
    loaded = ChatCompletionClient.load_component(FailoverChatCompletionClient([plain]).dump_component())
    assert isinstance(loaded, FailoverChatCompletionClient)


def test_span_exception_attributes_hide_member_error_bodies() -> None:
    from agentkit._redaction import exception_attributes

    secret = "sk-proj-Zq9AbCdEfGhIjKlMnOpQrSt"
    try:
        raise FailoverError("all failed", [RuntimeError(f"401: bad key {secret}")], [("m1", RuntimeError(secret))])
    except FailoverError as error:
        attributes = exception_attributes(error)
    assert set(attributes) == {"exception.message", "exception.stacktrace"}
    assert "FailoverError" in attributes["exception.stacktrace"]
    assert secret not in attributes["exception.message"] + attributes["exception.stacktrace"]
