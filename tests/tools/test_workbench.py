"""PolicyWorkbench on a StaticStreamWorkbench: advertising, refusals, approvals, limits, audit, state."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from autogen_core.tools import StaticWorkbench, ToolResult

from agentkit.events import ToolDecisionEvent
from agentkit.exceptions import ConfigurationError, ToolCallDeniedError
from agentkit.testing import ManualClock, capture_events
from agentkit.tools import (
    ApprovalDecision,
    ApprovalRequest,
    JsonlAuditSink,
    PolicyWorkbench,
    ToolDecision,
    ToolPolicy,
    guard_tools,
)

from ._helpers import EXECUTED, MemorySink, add, delete_file, read_file, tools, workbench


@pytest.fixture(autouse=True)
def _clear() -> None:
    EXECUTED.clear()


def guarded(policy: Mapping[str, Any] | ToolPolicy, **kwargs: Any) -> PolicyWorkbench:
    return PolicyWorkbench(workbench(), policy, **kwargs)


async def test_list_tools_hides_denied_tools() -> None:
    wb = guarded({"deny": ["delete_*"]})
    assert [t["name"] for t in await wb.list_tools()] == ["read_file", "fetch", "add", "send_email"]
    wb = guarded({"allow": ["add", "fetch"]})
    assert [t["name"] for t in await wb.list_tools()] == ["fetch", "add"]


async def test_allowed_call_runs_and_denied_call_is_refused_without_running() -> None:
    wb = guarded({"deny": ["delete_*"]})
    ok = await wb.call_tool("add", {"a": 2, "b": 3})
    assert (ok.is_error, ok.to_text()) == (False, "5")
    refused = await wb.call_tool("delete_file", {"path": "/etc/passwd"})
    assert refused.is_error
    assert (
        refused.to_text() == "Tool call 'delete_file' refused by policy (deny:delete_*): the tool is denied by policy"
    )
    assert EXECUTED == [("add", {"a": 2, "b": 3})]


async def test_hallucinated_and_lookalike_names_are_refused_as_unknown() -> None:
    wb = guarded({})
    for name in ["rm_rf", "Read_File", "read_file_", "add "]:
        result = await wb.call_tool(name, {})
        assert result.is_error, name
    assert (
        (await wb.call_tool("Read_File", {})).to_text().startswith("Tool call 'Read_File' refused by policy (unknown")
    )
    assert EXECUTED == []


async def test_argument_rules(tmp_path: Path) -> None:
    (tmp_path / "ok.txt").write_text("x")
    wb = guarded({"tools": {"read_file": {"args": {"path": {"required": True, "path": {"within": [str(tmp_path)]}}}}}})
    assert not (await wb.call_tool("read_file", {"path": str(tmp_path / "ok.txt")})).is_error
    refused = await wb.call_tool("read_file", {"path": str(tmp_path / ".." / "x")})
    assert "(args.path.path.within)" in refused.to_text()
    assert "argument 'path' is outside the allowed directories" in refused.to_text()
    assert "(args.path.required)" in (await wb.call_tool("read_file", {})).to_text()
    assert [("read_file", {"path": str(tmp_path / "ok.txt")})] == EXECUTED


async def test_extra_args_deny_and_lookalike_argument_keys() -> None:
    wb = guarded({"tools": {"add": {"args": {"a": {"maximum": 10}, "b": {"maximum": 10}}, "extra_args": "deny"}}})
    assert "(args.extra)" in (await wb.call_tool("add", {"a": 1, "b": 2, "c": 3})).to_text()
    wb = guarded({"tools": {"add": {"args": {"a": {"maximum": 10}}}}})
    assert "(args.a.ambiguous)" in (await wb.call_tool("add", {"A": 99, "b": 1})).to_text()
    assert EXECUTED == []


@pytest.mark.parametrize("mode", ["return", "raise", "stop"])
async def test_on_deny_modes(mode: str) -> None:
    wb = guarded({"deny": ["delete_file"], "on_deny": mode})
    if mode == "raise":
        with pytest.raises(ToolCallDeniedError) as info:
            await wb.call_tool("delete_file", {"path": "x"})
        assert (info.value.tool, info.value.rule) == ("delete_file", "deny:delete_file")
        assert not (await wb.call_tool("add", {"a": 1, "b": 1})).is_error
        return
    assert (await wb.call_tool("delete_file", {"path": "x"})).is_error
    after = await wb.call_tool("add", {"a": 1, "b": 1})
    if mode == "stop":
        assert after.is_error
        assert "(stopped)" in after.to_text()
        await wb.reset()
        assert not (await wb.call_tool("add", {"a": 1, "b": 1})).is_error
    else:
        assert not after.is_error


async def test_per_tool_and_total_limits_and_reset() -> None:
    wb = guarded({"max_calls": 3, "tools": {"add": {"max_calls": 2}}})
    results = [await wb.call_tool("add", {"a": 1, "b": 1}) for _ in range(3)]
    assert [r.is_error for r in results] == [False, False, True]
    assert "(limit.tool)" in results[2].to_text()
    assert not (await wb.call_tool("read_file", {"path": "a"})).is_error
    assert "(limit.total)" in (await wb.call_tool("fetch", {"url": "u"})).to_text()
    assert wb.call_counts == {"add": 2, "read_file": 1, "*": 3}
    await wb.reset()
    assert wb.call_counts == {"*": 0}
    assert not (await wb.call_tool("add", {"a": 1, "b": 1})).is_error


async def test_limits_hold_under_concurrent_calls() -> None:
    wb = guarded({"tools": {"add": {"max_calls": 5}}})
    results = await asyncio.gather(*(wb.call_tool("add", {"a": i, "b": 0}) for i in range(50)))
    assert sum(not r.is_error for r in results) == 5
    assert len(EXECUTED) == 5


async def test_limits_hold_under_concurrent_approvals() -> None:
    gate = asyncio.Event()

    async def slow_yes(request: ApprovalRequest) -> bool:
        await gate.wait()
        return True

    wb = guarded({"max_calls": 3, "tools": {"add": {"require_approval": True}}}, approval=slow_yes)
    calls = [asyncio.ensure_future(wb.call_tool("add", {"a": i, "b": 0})) for i in range(10)]
    await asyncio.sleep(0)
    gate.set()
    results = await asyncio.gather(*calls)
    assert sum(not r.is_error for r in results) == 3
    assert len(EXECUTED) == 3


def test_counters_are_thread_safe() -> None:
    wb = guarded({"max_calls": 100})

    def worker() -> None:
        for _ in range(50):
            wb._check_limits(wb._plan("add"), reserve=True)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert wb.call_counts["*"] == 100


async def test_approval_approve_deny_edit() -> None:
    seen: list[ApprovalRequest] = []

    async def approver(request: ApprovalRequest) -> ApprovalDecision:
        seen.append(request)
        if request.arguments["a"] == 1:
            return ApprovalDecision.approve()
        if request.arguments["a"] == 2:
            return ApprovalDecision.deny("two is not allowed today")
        if request.arguments["a"] == 3:
            return ApprovalDecision.edit({"a": 4, "b": 0})
        return ApprovalDecision.edit({"a": 1000, "b": 0})

    wb = guarded(
        {"tools": {"add": {"require_approval": True, "args": {"a": {"maximum": 100}}}}}, approval=approver, agent="bob"
    )
    assert (await wb.call_tool("add", {"a": 1, "b": 1}, call_id="c1")).to_text() == "2"
    denied = await wb.call_tool("add", {"a": 2, "b": 1})
    assert denied.to_text().endswith("(approval.denied): two is not allowed today")
    assert (await wb.call_tool("add", {"a": 3, "b": 1})).to_text() == "4"
    bad_edit = await wb.call_tool("add", {"a": 5, "b": 1})
    assert "(approval.edit:args.a.range)" in bad_edit.to_text()
    assert seen[0] == ApprovalRequest(tool="add", arguments={"a": 1, "b": 1}, agent="bob", call_id="c1")
    assert EXECUTED == [("add", {"a": 1, "b": 1}), ("add", {"a": 4, "b": 0})]
    assert wb.call_counts["*"] == 2


@pytest.mark.parametrize(
    ("answer", "rule"),
    [
        (False, "approval.denied"),
        (None, "approval.invalid"),
        ("yes", "approval.invalid"),
        (1, "approval.invalid"),
        (ApprovalDecision("edit", arguments=None), "approval.invalid"),
        (RuntimeError("approver crashed"), "approval.error"),
    ],
)
async def test_approval_answers_other_than_yes_deny(answer: object, rule: str) -> None:
    async def approver(request: ApprovalRequest) -> Any:
        if isinstance(answer, BaseException):
            raise answer
        return answer

    wb = guarded({"tools": {"*": {"require_approval": True}}}, approval=approver)
    assert f"({rule})" in (await wb.call_tool("add", {"a": 1, "b": 1})).to_text()
    assert EXECUTED == []


async def test_approval_required_without_approver_denies() -> None:
    wb = guarded({"tools": {"add": {"require_approval": True}}})
    assert "(approval.unavailable)" in (await wb.call_tool("add", {"a": 1, "b": 1})).to_text()


async def test_hanging_approver_times_out_on_the_injected_clock() -> None:
    clock = ManualClock()
    entered = asyncio.Event()
    cancelled = asyncio.Event()

    async def hang(request: ApprovalRequest) -> bool:
        entered.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.set()
            raise
        return True

    wb = guarded({"approval_timeout_s": 30, "tools": {"add": {"require_approval": True}}}, approval=hang, clock=clock)
    call = asyncio.ensure_future(wb.call_tool("add", {"a": 1, "b": 1}))
    await entered.wait()
    await clock.advance(29.9)
    assert not call.done()
    await clock.advance(0.1)
    result = await call
    assert "(approval.timeout)" in result.to_text()
    assert cancelled.is_set()
    assert EXECUTED == []


async def test_any_error_while_evaluating_denies(monkeypatch: pytest.MonkeyPatch) -> None:
    wb = guarded({})

    def explode(self: ToolPolicy, name: str, arguments: Any, **kwargs: Any) -> Any:
        raise RuntimeError("policy bug")

    monkeypatch.setattr(ToolPolicy, "check_arguments_against", explode)
    result = await wb.call_tool("add", {"a": 1, "b": 1})
    assert result.is_error
    assert "(error): the policy could not be evaluated (RuntimeError)" in result.to_text()
    assert EXECUTED == []


async def test_failing_audit_sink_denies_allowed_calls() -> None:
    class Broken:
        def write(self, record: ToolDecision) -> None:
            raise OSError("disk full")

    wb = guarded({}, audit=Broken())
    result = await wb.call_tool("add", {"a": 1, "b": 1})
    assert "(audit.error)" in result.to_text()
    assert EXECUTED == []
    assert wb.call_counts["*"] == 0


async def test_audit_records_events_and_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "audit" / "tools.jsonl"
    sink = MemorySink()
    clock = ManualClock()
    wb = guarded({"deny": ["delete_*"]}, audit=sink, audit_path=path, agent="ops", clock=clock)
    with capture_events(ToolDecisionEvent) as events:
        await wb.call_tool(
            "send_email", {"to": "a@b.c", "body": "hi", "api_key": "sk-live-0123456789abcdef"}, call_id="1"
        )
        await wb.call_tool("delete_file", {"path": "/", "token": "hunter2hunter2"}, call_id="2")
    lines = path.read_text().splitlines()
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert first == {
        "agent": "ops",
        "approval": None,
        "arguments": {"api_key": "**********", "body": "hi", "to": "a@b.c"},
        "call_id": "1",
        "decision": "allow",
        "reason": "",
        "rule": "allow",
        "time": "2026-01-01T00:00:00+00:00",
        "tool": "send_email",
    }
    assert (second["decision"], second["rule"], second["arguments"]["token"]) == ("deny", "deny:delete_*", "**********")
    assert [r.to_dict() for r in sink.records] == [first, second]
    assert [e.kwargs for e in events] == [
        {"type": "agentkit.ToolDecision", **first},
        {"type": "agentkit.ToolDecision", **second},
    ]
    everything = path.read_text() + repr(sink.records) + repr([str(e) for e in events])
    assert "sk-live" not in everything
    assert "hunter2" not in everything


def test_jsonl_sink_appends_whole_lines_from_many_threads(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_bytes(b'{"half": ')  # a previous writer died mid-line
    sink = JsonlAuditSink(path)
    record = ToolDecision("t", {"x": "y" * 1000}, "allow", "allow", "", None, None, "now")

    def worker() -> None:
        for _ in range(50):
            sink.write(record)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    sink.close()
    sink.write(record)  # reopens
    sink.close()
    lines = path.read_text().splitlines()
    assert lines[0] == '{"half": '
    assert [json.loads(line)["tool"] for line in lines[1:]] == ["t"] * 201


async def test_state_round_trip_keeps_counters() -> None:
    wb = guarded({"max_calls": 2})
    await wb.call_tool("add", {"a": 1, "b": 1})
    state = await wb.save_state()
    other = guarded({"max_calls": 2})
    await other.load_state(state)
    assert other.call_counts == {"add": 1, "*": 1}
    assert not (await other.call_tool("add", {"a": 1, "b": 1})).is_error
    assert (await other.call_tool("add", {"a": 1, "b": 1})).is_error


async def test_stream_passes_inner_events_and_refusals() -> None:
    wb = guarded({"deny": ["delete_file"]})
    events = [e async for e in wb.call_tool_stream("add", {"a": 1, "b": 2})]
    assert isinstance(events[-1], ToolResult)
    assert events[-1].to_text() == "3"
    refused = [e async for e in wb.call_tool_stream("delete_file", {"path": "x"})]
    assert len(refused) == 1
    assert isinstance(refused[0], ToolResult)
    assert refused[0].is_error
    plain = PolicyWorkbench(StaticWorkbench(tools()), {})
    assert [e.to_text() async for e in plain.call_tool_stream("add", {"a": 1, "b": 2})] == ["3"]


async def test_guard_tools_accepts_callables_and_tools() -> None:
    wb = guard_tools([add, read_file, delete_file], {"deny": ["delete_file"]})
    assert [t["name"] for t in await wb.list_tools()] == ["add", "read_file"]
    assert (await wb.call_tool("add", {"a": 1, "b": 1})).to_text() == "2"
    same = PolicyWorkbench.from_tools(tools(), ToolPolicy())
    assert len(await same.list_tools()) == 5


def test_construction_errors_name_the_field() -> None:
    with pytest.raises(ConfigurationError, match=r"^workbench: must be an autogen_core\.tools\.Workbench"):
        PolicyWorkbench([add], {})  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match=r"^policy: must be a ToolPolicy"):
        PolicyWorkbench(workbench(), "deny everything")  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match=r"^audit: "):
        PolicyWorkbench(workbench(), {}, audit=[object()])  # type: ignore[list-item]
    with pytest.raises(ConfigurationError, match=r"^tools\[1\]: "):
        guard_tools([add, 42], {})  # type: ignore[list-item]


@pytest.mark.parametrize("offset", [44, 50, 230, 240, 245])
async def test_a_token_cut_by_the_audit_length_limits_leaves_no_fragment(tmp_path: Path, offset: int) -> None:
    # The audit trail shortens long tool names, argument keys and call ids; a token straddling the cut must be
    # masked as a whole first, so not even its head survives the cut.
    token = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"

    def padded(length: int) -> str:
        return ("read the file " * 50)[:length] + token

    path = tmp_path / "audit.jsonl"
    wb = guarded({}, audit_path=path)
    result = await wb.call_tool(padded(offset), {padded(offset + 250): "v"}, call_id=padded(offset))
    written = path.read_text() + result.to_text()  # the refusal text reaches AutoGen's event log too
    assert json.loads(path.read_text())["decision"] == "deny"  # an unknown tool, refused and recorded
    for start in range(len(token) - 8):
        assert token[start : start + 8] not in written, token[start : start + 8]
