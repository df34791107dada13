# mypy: ignore-errors
# ruff: noqa
"""Runs ONE pyautogen 0.2.35 program and records what it did (the oracle side; needs pyautogen, not run in CI).

    /tmp/v02venv/bin/python _v02_trace.py program.py|program.ipynb trace.json

Hooks (installed before the program builds its agents) record, for every top-level ``initiate_chat`` /
``a_initiate_chat`` (chats started inside a chat - nested chats, speaker selection - are not recorded):
who sent each message, its kind (text / tool_call / tool_result), and why the chat stopped (stop category).
"""

import json
import os
import runpy
import sys
import traceback

from autogen import ConversableAgent, GroupChatManager
from autogen.agentchat import groupchat as _gc
from autogen.exception_utils import NoEligibleSpeaker

_state = {"depth": 0, "pair": None, "messages": [], "stops": [], "no_eligible": False, "human": []}
_chats = []


def _kind(message):
    if isinstance(message, dict):
        if message.get("tool_calls") or message.get("function_call"):
            return "tool_call"
        if message.get("tool_responses") or message.get("role") in ("tool", "function"):
            return "tool_result"
    return "text"


def _content(message):
    content = message.get("content") if isinstance(message, dict) else message
    return content if isinstance(content, str) else None


def _before_check(self, messages, sender):
    if _state["depth"] != 1:
        return None
    if messages is None:
        messages = self._oai_messages.get(sender, [])
    msg = messages[-1] if messages else None
    try:
        term = bool(msg) and bool(self._is_termination_msg(msg))
    except Exception:
        term = False
    return {
        "counter": self._consecutive_auto_reply_counter[sender],
        "limit": self._max_consecutive_auto_reply_dict[sender],
        "term": term,
        "human": len(_state["human"]),
    }


def _after_check(self, before, result):
    if before is None or not (result[0] and result[1] is None):
        return
    inputs = _state["human"][before["human"] :]
    if inputs and inputs[-1] == "exit":
        reason = f"human_exit:{self.name}"
    elif self.human_input_mode == "NEVER" and before["counter"] >= before["limit"]:
        reason = f"auto_reply_limit:{self.name}"
    elif before["term"]:
        reason = f"termination_msg:{self.name}"
    elif self.human_input_mode != "ALWAYS" and before["counter"] >= before["limit"]:
        reason = f"auto_reply_limit:{self.name}"
    else:
        reason = f"stop:{self.name}"
    _state["stops"].append((self.name, reason, len(_state["messages"])))


_orig_check = ConversableAgent.check_termination_and_human_reply
_orig_acheck = ConversableAgent.a_check_termination_and_human_reply


def check_termination_and_human_reply(self, messages=None, sender=None, config=None):
    before = _before_check(self, messages, sender)
    result = _orig_check(self, messages=messages, sender=sender, config=config)
    _after_check(self, before, result)
    return result


async def a_check_termination_and_human_reply(self, messages=None, sender=None, config=None):
    before = _before_check(self, messages, sender)
    result = await _orig_acheck(self, messages=messages, sender=sender, config=config)
    _after_check(self, before, result)
    return result


ConversableAgent.check_termination_and_human_reply = check_termination_and_human_reply
ConversableAgent.a_check_termination_and_human_reply = a_check_termination_and_human_reply

_orig_input = ConversableAgent.get_human_input


def get_human_input(self, prompt):
    reply = _orig_input(self, prompt)
    _state["human"].append(reply)
    return reply


ConversableAgent.get_human_input = get_human_input

_orig_send = ConversableAgent.send
_orig_asend = ConversableAgent.a_send


def _record_send(self, message, recipient):
    pair = _state["pair"]
    if _state["depth"] == 1 and pair is not None and not isinstance(pair[1], GroupChatManager):
        if {id(self), id(recipient)} == {id(pair[0]), id(pair[1])}:
            _state["messages"].append({"speaker": self.name, "kind": _kind(message), "content": _content(message)})


def send(self, message, recipient, request_reply=None, silent=False):
    _record_send(self, message, recipient)
    return _orig_send(self, message, recipient, request_reply=request_reply, silent=silent)


async def a_send(self, message, recipient, request_reply=None, silent=False):
    _record_send(self, message, recipient)
    return await _orig_asend(self, message, recipient, request_reply=request_reply, silent=silent)


ConversableAgent.send = send
ConversableAgent.a_send = a_send

for _name in ("select_speaker", "a_select_speaker"):
    _orig = getattr(_gc.GroupChat, _name)

    def _wrap(orig):
        if _name.startswith("a_"):

            async def select(self, last_speaker, selector):
                try:
                    return await orig(self, last_speaker, selector)
                except NoEligibleSpeaker:
                    if _state["depth"] == 1:
                        _state["no_eligible"] = True
                    raise

        else:

            def select(self, last_speaker, selector):
                try:
                    return orig(self, last_speaker, selector)
                except NoEligibleSpeaker:
                    if _state["depth"] == 1:
                        _state["no_eligible"] = True
                    raise

        return select

    setattr(_gc.GroupChat, _name, _wrap(_orig))


def _begin(sender, recipient):
    _state["depth"] += 1
    if _state["depth"] == 1:
        _state.update(pair=(sender, recipient), messages=[], stops=[], no_eligible=False)


def _finish(sender, recipient, kwargs, error):
    if _state["depth"] == 1:
        max_turns = kwargs.get("max_turns")
        chat = {"initiator": sender.name, "recipient": recipient.name}
        if isinstance(recipient, GroupChatManager):
            gc = recipient.groupchat
            chat["messages"] = [
                {"speaker": m.get("name"), "kind": _kind(m), "content": _content(m)} for m in gc.messages
            ]
            last = gc.messages[-1] if gc.messages else None
            last_stop = _state["stops"][-1] if _state["stops"] else None
            if error is not None:
                stop = f"error:{type(error).__name__}"
            elif last is not None and recipient._is_termination_msg(last):
                stop = f"termination_msg:{recipient.name}"
            elif len(gc.messages) >= gc.max_round:
                stop = "max_round"
            elif _state["no_eligible"]:
                stop = "no_eligible_speaker"
            elif last_stop is not None:
                stop = last_stop[1]
            else:
                stop = "unknown"
            if max_turns is not None and stop != "error" and not stop.startswith("error:"):
                chat["max_turns"] = max_turns
        else:
            chat["messages"] = list(_state["messages"])
            total = len(_state["messages"])
            last_stop = _state["stops"][-1] if _state["stops"] else None
            if error is not None:
                stop = f"error:{type(error).__name__}"
            elif max_turns is not None:
                if last_stop is not None and last_stop[0] == sender.name and last_stop[2] == total:
                    stop = last_stop[1]
                else:
                    stop = "max_turns"
            elif last_stop is not None:
                stop = last_stop[1]
            else:
                stop = "unknown"
        chat["stop"] = stop
        _chats.append(chat)
    _state["depth"] -= 1


_orig_ic = ConversableAgent.initiate_chat
_orig_aic = ConversableAgent.a_initiate_chat


def initiate_chat(self, recipient, *args, **kwargs):
    _begin(self, recipient)
    try:
        result = _orig_ic(self, recipient, *args, **kwargs)
    except BaseException as error:
        _finish(self, recipient, kwargs, error)
        raise
    _finish(self, recipient, kwargs, None)
    return result


async def a_initiate_chat(self, recipient, *args, **kwargs):
    _begin(self, recipient)
    try:
        result = await _orig_aic(self, recipient, *args, **kwargs)
    except BaseException as error:
        _finish(self, recipient, kwargs, error)
        raise
    _finish(self, recipient, kwargs, None)
    return result


ConversableAgent.initiate_chat = initiate_chat
ConversableAgent.a_initiate_chat = a_initiate_chat


def _notebook_source(path):
    with open(path, encoding="utf-8") as stream:
        nb = json.load(stream)
    lines = []
    for cell in nb["cells"]:
        if cell.get("cell_type") != "code":
            continue
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        for line in source.splitlines():
            lines.append("# " + line if line.lstrip().startswith(("!", "%")) else line)
        lines.append("")
    return "\n".join(lines)


def main(program, out):
    error = None
    try:
        if program.endswith(".ipynb"):
            import ast
            import asyncio

            code = compile(_notebook_source(program), program, "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
            result = eval(code, {"__name__": "__main__"})  # top-level await, as in Jupyter
            if asyncio.iscoroutine(result):
                asyncio.run(result)
        else:
            runpy.run_path(program, run_name="__main__")
    except SystemExit as exc:
        if exc.code not in (None, 0):
            error = f"SystemExit: {exc.code}"
    except BaseException as exc:  # the program's own failure is data
        error = f"{type(exc).__name__}: {exc}"
        traceback.print_exc()
    with open(out, "w", encoding="utf-8") as stream:
        json.dump({"chats": _chats, "error": error}, stream, indent=2)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
