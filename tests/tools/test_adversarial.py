# ruff: noqa: RUF001
"""More than 200 hostile tool calls against one policy: every one must be refused and none may run.

Name tricks, path traversal and symlinks, URL tricks, oversized, wrongly typed and deeply nested arguments,
and approval callbacks that fail, lie or hang. A control group of legitimate calls proves the policy is not
simply refusing everything.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from autogen_core.tools import BaseTool, FunctionTool, StaticStreamWorkbench

from agentkit.testing import ManualClock
from agentkit.tools import ApprovalDecision, ApprovalRequest, PolicyWorkbench, ToolPolicy

from ._helpers import EXECUTED, add, delete_file, fetch, read_file, send_email

POLICY: dict[str, Any] = {
    "allow": ["read_file", "fetch", "add", "send_email", "delete_*", "transfer"],
    "deny": ["delete_*"],
    "max_depth": 16,
    "max_argument_bytes": 100_000,
    "tools": {
        "read_file": {
            "args": {"path": {"required": True, "path": {"within": ["{root}/data"], "relative_to": "{root}/data"}}}
        },
        "fetch": {
            "args": {"url": {"required": True, "url": {"hosts": ["api.example.com", "*.docs.example.org"]}}},
        },
        "add": {
            "extra_args": "deny",
            "args": {
                "a": {"required": True, "type": "integer", "minimum": -1000, "maximum": 1000},
                "b": {"required": True, "type": "integer", "minimum": -1000, "maximum": 1000},
            },
        },
        "send_email": {
            "args": {
                "to": {"required": True, "pattern": r"[a-z]{1,32}@corp\.example"},
                "body": {"type": "string", "max_length": 1000},
                "api_key": {"allowed_values": [""]},
            }
        },
        "transfer": {"require_approval": True, "args": {"amount": {"type": "number", "maximum": 100}}},
    },
}


def transfer(amount: float, to: str = "savings") -> str:
    """Move money (pretend)."""
    EXECUTED.append(("transfer", {"amount": amount, "to": to}))
    return f"moved {amount}"


def delete_everything() -> str:
    """Delete everything (pretend)."""
    EXECUTED.append(("delete_everything", {}))
    return "gone"


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("adversarial")
    data = base / "data"
    (data / "sub").mkdir(parents=True)
    (base / "outside").mkdir()
    (base / "outside" / "secret.txt").write_text("secret")
    (base / "datax").mkdir()
    (data / "ok.txt").write_text("ok")
    os.symlink(base / "outside", data / "link_out")
    os.symlink("/etc/passwd", data / "passwd_link")
    os.symlink(data / "link_out", data / "chain")
    os.symlink(base / "missing-outside", data / "dangling")
    os.symlink("../../outside/secret.txt", data / "sub" / "rel_link")
    return base


def _fill(value: Any, root: Path) -> Any:
    if isinstance(value, str):
        return value.replace("{root}", str(root))
    if isinstance(value, dict):
        return {k: _fill(v, root) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, root) for v in value]
    return value


def _workbench(root: Path, **kwargs: Any) -> PolicyWorkbench:
    tools: list[BaseTool[Any, Any]] = [
        FunctionTool(read_file, description="Read."),
        FunctionTool(fetch, description="Fetch."),
        FunctionTool(add, description="Add."),
        FunctionTool(send_email, description="Mail."),
        FunctionTool(delete_file, description="Delete."),
        FunctionTool(delete_everything, description="Delete all."),
        FunctionTool(transfer, description="Transfer."),
    ]
    return PolicyWorkbench(StaticStreamWorkbench(tools), ToolPolicy.from_dict(_fill(POLICY, root)), **kwargs)


def _deep(levels: int) -> Any:
    value: Any = 1
    for _ in range(levels):
        value = [value]
    return value


NAME_TRICKS: list[str] = [
    "delete_file", "delete_everything", "Delete_File", "DELETE_FILE", "delete_File", "DeLeTe_EvErYtHiNg",
    "delete_file ", " delete_file", "delete_file\n", "delete_file\t", "delete_file\x00", "delete\u200bfile",
    "delete_\u200dfile", "\ufeffdelete_file", "ｄｅｌｅｔｅ_file", "dеlete_file", "delеte_file", "dеlеtе_file",
    "delete_fіle", "dΕlete_file", "delete.file", "delete file", "delete/file", "delete:file", "delete-file",
    "functions.delete_file", "delete_file()", "tool:delete_file", "../delete_file", "delete_*", "*", "?",
    "delete_fi\u0301le", "read_file\x00", "read_file ", "READ_FILE", "Read_File", "read-file", "read_filе",
    "read_file\u200b", "rm_rf", "shell", "exec", "", " ", "\x00", "a" * 300, "read_file;delete_file",
    "read_file,delete_file", "read_file|delete_file", "__import__", "transfer\u00a0", "ADD", "add_",
]  # fmt: skip

PATH_TRICKS: list[Any] = [
    "../outside/secret.txt", "{root}/outside/secret.txt", "{root}/data/../outside/secret.txt", "/etc/passwd",
    "/etc/shadow", "link_out/secret.txt", "{root}/data/link_out/secret.txt", "passwd_link",
    "{root}/data/passwd_link",
    "chain/secret.txt", "link_out/..", "link_out/../outside/secret.txt", "chain/../outside", "dangling",
    "dangling/new.txt", "sub/rel_link", "{root}/data/sub/rel_link",
    "sub/../../outside/secret.txt", "{root}/data/sub/../../outside", "~/.ssh/id_rsa", "~root/.bashrc", "$HOME/x",
    "${HOME}/x", "{root}/data/$HOME", "%USERPROFILE%/x", "..\\outside\\secret.txt", "{root}\\data\\..\\outside",
    "．．／outside/secret.txt", "{root}/data/．．/outside", "{root}/data/\u2024\u2024/outside", "file:///etc/passwd",
    "file:/etc/passwd", "http://evil.com/x", "{root}/data/ok.txt\x00.png", "ok.txt\x00", "a\nb", "sub/\r/x",
    "\u202eok.txt", "ok\u200b.txt", "{root}/datax/secret", "{root}/data_x", "{root}/dat", "{root}", "/",
    "//etc/passwd", "/./etc/passwd", "/proc/self/root/etc/passwd", "/proc/self/cwd/../x", "{root}/DATA/ok.txt",
    "x" * 5000, "", ["ok.txt", "../outside/secret.txt"], 42, None, {"path": "../outside/secret.txt"}, True,
    [["ok.txt", ["../outside/secret.txt"]]], {"../outside/secret.txt": "ok.txt"}, ["ok.txt", 1], [None],
    '["../outside/secret.txt"]', ' ["../outside/secret.txt"]', '{"a": "../outside/secret.txt"}', "null",
    '["ok.txt", "{root}/outside/secret.txt"]', '[["link_out/secret.txt"]]',
    '[' * 3000 + ']' * 3000,
]  # fmt: skip

URL_TRICKS: list[Any] = [
    "http://api.example.com/", "HTTP://api.example.com/", "ftp://api.example.com/", "file:///etc/passwd",
    "javascript:alert(1)", "data:text/plain,hi", "gopher://api.example.com/", "ws://api.example.com/",
    "//api.example.com/", "https:/api.example.com/", "https:api.example.com", "https://", "https:///x",
    "https://evil.com/", "https://api.example.com.evil.com/", "https://evil.com/api.example.com",
    "https://evil.com?x=api.example.com", "https://api.example.com@evil.com/", "https://evil.com@api.example.com/",
    "https://user:pass@api.example.com/", "https://api.example.com:443@evil.com/", "https://evil.com#@api.example.com",
    "https://evil.com\\@api.example.com", "https://evil.com\\.api.example.com", "https://api.example.com:8443/",
    "https://api.example.com:80/", "https://api.example.com:0/", "https://api.example.com:65536/",
    "https://api.example.com:-1/", "https://api.example.com:４４３/", "https://api.example.com:+443/",
    "https://127.0.0.1/", "https://2130706433/", "https://0x7f000001/", "https://017700000001/",
    "https://0177.0.0.1/", "https://127.1/", "https://0x7f.1/", "https://0/", "https://[::1]/",
    "https://[::ffff:127.0.0.1]/", "https://[::ffff:7f00:1]/", "https://[0:0:0:0:0:ffff:7f00:1]/",
    "https://169.254.169.254/latest/meta-data/", "https://[fe80::1%25eth0]/", "https://[::1/", "https://1.2.3.4.5/",
    "https://аpi.example.com/", "https://api.exаmple.com/", "https://xn--pi-7kc.example.com/",
    "https://api.example.com%2eevil.com/", "https://api%2eexample.com/", "https://api.example.com\x00.evil.com/",
    " https://api.example.com/", "https://api.example.com/\n", "https://api.example.com\r\nHost: evil.com/",
    "https://api.example.com\t/", "https://api.example.com/\u2028", "https://docs.example.org/",
    "https://xdocs.example.org/", "https://a.docs.example.org.evil.com/", "https://a.docs.example.org@evil.com/",
    "https://API.EXAMPLE.COM.evil.com/", "https://api.example.co/", "https://api-example.com/",
    "https://api.example.com" + "/x" * 2000, ["https://api.example.com/", "https://evil.com/"], 42, None,
    {"u": "https://evil.com/"}, '["https://evil.com/"]', '{"u": "https://169.254.169.254/"}',
    "https://straße.example.com/", "https://api.exaßple.com/", "https://ＡＰＩ.example.com/", "https://ας.example.com/",
    "https://xn--n3h.example.com/", "https://api.example.com。evil.com/", "https://a‍b.docs.example.org/",
]  # fmt: skip

ARG_TRICKS: list[tuple[str, Any]] = [
    ("add", {"a": "1", "b": 2}), ("add", {"a": 1.5, "b": 2}), ("add", {"a": True, "b": 2}),
    ("add", {"a": None, "b": 2}),
    ("add", {"a": [1], "b": 2}), ("add", {"a": {"v": 1}, "b": 2}), ("add", {"a": 10**100, "b": 2}),
    ("add", {"a": -1001, "b": 2}), ("add", {"a": 1001, "b": 2}), ("add", {"a": float("nan"), "b": 2}),
    ("add", {"a": float("inf"), "b": 2}), ("add", {"a": 1}), ("add", {}), ("add", {"a": 1, "b": 2, "c": 3}),
    ("add", {"A": 1, "a": 1, "b": 2}), ("add", {"a ": 1, "b": 2}), ("add", {"a": 1, "b": 2, "__class__": "x"}),
    ("add", {"a": 1, "b": _deep(50)}), ("add", {"a": 1, "b": _deep(5000)}),
    ("add", {"a": 1, "b": 2, "x": "y" * 200_000}),
    ("add", {"a": 1, "b": 2, **{f"k{i}": i for i in range(20_000)}}), ("add", {"a": b"1", "b": 2}),
    ("add", {"a": {1, 2}, "b": 2}), ("add", {"a": object(), "b": 2}), ("add", {1: 1, "b": 2}),
    ("add", {"a": 1, "b": 2, "nested": {"deep": _deep(30)}}),
    ("send_email", {"to": "root@evil.com", "body": "x"}), ("send_email", {"to": "a@corp.example\n", "body": "x"}),
    ("send_email", {"to": "a@corp.example.evil.com"}), ("send_email", {"to": "A@corp.example"}),
    ("send_email", {"to": "a@corpXexample"}), ("send_email", {"to": "a@corp.example", "body": "x" * 1001}),
    ("send_email", {"to": "a@corp.example", "body": ["x"]}), ("send_email", {"to": ["a@corp.example"]}),
    ("send_email", {"to": "a" * 20_000 + "@corp.example"}), ("send_email", {"to": "a@corp.example", "api_key": "sk-x"}),
    ("send_email", {"body": "no recipient"}), ("send_email", {"To": "a@corp.example", "to": "a@corp.example"}),
    ("transfer", {"amount": 1}),
]  # fmt: skip

APPROVAL_TRICKS: list[tuple[str, Any]] = [
    ("raises", RuntimeError("approver down")), ("raises_value", ValueError("bad")), ("none", None),
    ("string", "yes"),
    ("int", 1), ("dict", {"action": "approve"}), ("edit_bad_amount", ApprovalDecision.edit({"amount": 1e9})),
    ("edit_wrong_type", ApprovalDecision.edit({"amount": "all"})),
    ("edit_nan", ApprovalDecision.edit({"amount": float("nan")})),
    ("edit_not_mapping", ApprovalDecision("edit", arguments=None)), ("deny", ApprovalDecision.deny("no")),
    ("false", False), ("bogus_action", ApprovalDecision("explode")),  # type: ignore[arg-type]
    ("cancelled", asyncio.CancelledError()), ("edit_deep", ApprovalDecision.edit({"amount": 1, "x": _deep(40)})),
]  # fmt: skip


def _cases() -> Iterator[tuple[str, str, Any]]:
    for i, name in enumerate(NAME_TRICKS):
        yield f"name-{i}", name, {"path": "ok.txt"}
    for i, path in enumerate(PATH_TRICKS):
        yield f"path-{i}", "read_file", {"path": path}
    for i, url in enumerate(URL_TRICKS):
        yield f"url-{i}", "fetch", {"url": url}
    for i, (tool, args) in enumerate(ARG_TRICKS):
        yield f"args-{i}", tool, args


CASES = list(_cases())


def test_there_are_at_least_200_hostile_calls() -> None:
    assert len(CASES) + len(APPROVAL_TRICKS) + 1 >= 200, len(CASES)


@pytest.fixture(autouse=True)
def _clear() -> None:
    EXECUTED.clear()


@pytest.mark.parametrize(("case", "tool", "arguments"), CASES, ids=[c[0] for c in CASES])
async def test_hostile_call_is_refused(root: Path, case: str, tool: str, arguments: Any) -> None:
    wb = _workbench(root, agent="attacker", advertise_denied=True)
    result = await wb.call_tool(tool, arguments if case.startswith("args") else _fill(arguments, root))
    assert result.is_error, f"{case}: BYPASS {tool!r} {str(arguments)[:200]!r} -> {result.to_text()[:200]}"
    assert "refused by policy" in result.to_text()
    assert EXECUTED == []


@pytest.mark.parametrize(("case", "answer"), APPROVAL_TRICKS, ids=[a[0] for a in APPROVAL_TRICKS])
async def test_hostile_or_broken_approver_is_refused(root: Path, case: str, answer: Any) -> None:
    async def approver(request: ApprovalRequest) -> Any:
        if isinstance(answer, BaseException):
            raise answer
        return answer

    wb = _workbench(root, approval=approver)
    result = await wb.call_tool("transfer", {"amount": 5})
    assert result.is_error, f"{case}: BYPASS -> {result.to_text()}"
    assert EXECUTED == []


async def test_hanging_approver_is_refused_after_the_timeout(root: Path) -> None:
    clock = ManualClock()
    started = asyncio.Event()

    async def hang(request: ApprovalRequest) -> bool:
        started.set()
        await asyncio.Event().wait()
        return True

    wb = _workbench(root, approval=hang, clock=clock)
    call = asyncio.ensure_future(wb.call_tool("transfer", {"amount": 5}))
    await started.wait()
    await clock.advance(300)
    assert "(approval.timeout)" in (await call).to_text()
    assert EXECUTED == []


async def test_concurrent_flood_cannot_exceed_limits(root: Path) -> None:
    policy = {"max_calls": 2, "tools": {"add": {"max_calls": 2}}}
    wb = PolicyWorkbench(StaticStreamWorkbench([FunctionTool(add, description="Add.")]), policy)
    results = await asyncio.gather(*(wb.call_tool("add", {"a": 1, "b": 1}) for _ in range(40)))
    assert sum(r.is_error for r in results) == 38
    assert len(EXECUTED) == 2


CONTROL: list[tuple[str, Any]] = [
    ("read_file", {"path": "ok.txt"}),
    ("read_file", {"path": "{root}/data/sub/../ok.txt"}),
    ("read_file", {"path": "{root}/data/new-file.txt"}),
    ("fetch", {"url": "https://api.example.com/v1?q=1#x"}),
    ("fetch", {"url": "https://API.Example.com:443/"}),
    ("fetch", {"url": "https://a.b.docs.example.org/"}),
    ("add", {"a": -1000, "b": 1000}),
    ("send_email", {"to": "alice@corp.example", "body": "hello", "api_key": ""}),
]


@pytest.mark.parametrize(("tool", "arguments"), CONTROL)
async def test_legitimate_calls_still_work(root: Path, tool: str, arguments: Any) -> None:
    wb = _workbench(root)
    result = await wb.call_tool(tool, _fill(arguments, root))
    assert not result.is_error, result.to_text()
    assert len(EXECUTED) == 1
