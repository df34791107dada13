"""v0.2's ``ChatResult`` rebuilt from a v0.4 ``TaskResult``, and v0.2's carryover text."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ...exceptions import ConfigurationError

if TYPE_CHECKING:
    from autogen_agentchat.base import TaskResult
    from autogen_core.models import ChatCompletionClient

    from ...pricing import PriceTable

__all__ = ("DEFAULT_SUMMARY_PROMPT", "ChatResult", "a_chat_result", "chat_result", "with_carryover")


@dataclass
class ChatResult:
    """What v0.2's ``initiate_chat`` returned (``autogen.ChatResult``), rebuilt by :func:`chat_result`.

    Attributes:
        chat_history: The messages in v0.2's dict shape, from the sender's point of view.
        summary: The chat summary (``"last_msg"``: the last message, every ``"TERMINATE"`` removed).
        cost: ``{"usage_including_cached_inference": {...}, "usage_excluding_cached_inference": {...}}``.
        human_input: The texts the sender typed when asked for input.
        chat_id: Always ``None`` (v0.2 set it only for ``a_initiate_chats``).
    """

    chat_history: list[dict[str, Any]] = field(default_factory=list)
    summary: str = ""
    cost: dict[str, Any] = field(default_factory=dict)
    human_input: list[str] = field(default_factory=list)
    chat_id: int | None = None


def with_carryover(message: str, carryover: Any) -> str:
    """``message`` with v0.2's carryover appended: ``message``, a newline, ``"Context: "``, a newline, the items.

    Args:
        message: The chat's first message.
        carryover: A str, or a list of str / ``{"content": ...}`` dicts (v0.2 took a dict's ``content``);
            empty or ``None`` adds nothing.

    Returns:
        The message text to send.

    Raises:
        ConfigurationError: ``carryover`` is neither a str nor a list (v0.2: ``InvalidCarryOverType``).
    """
    if not carryover:
        return message
    if isinstance(carryover, str):
        return message + "\nContext: \n" + carryover
    if isinstance(carryover, list):
        items = [str(item.get("content")) if isinstance(item, dict) else str(item) for item in carryover]
        return message + "\nContext: \n" + "\n".join(items)
    raise ConfigurationError(
        "carryover", f"must be a str or a list, got {type(carryover).__name__}.", "Pass the summaries as a list of str."
    )


def _message_dict(message: Any, sender: str) -> dict[str, Any] | None:
    from autogen_agentchat.messages import (
        BaseChatMessage,
        ToolCallExecutionEvent,
        ToolCallRequestEvent,
        ToolCallSummaryMessage,
    )

    role = "assistant" if message.source == sender else "user"
    if isinstance(message, ToolCallRequestEvent):
        calls = [
            {"id": c.id, "type": "function", "function": {"name": c.name, "arguments": c.arguments}}
            for c in message.content
        ]
        return {"content": None, "tool_calls": calls, "role": "assistant"}
    if isinstance(message, ToolCallExecutionEvent):
        responses = [{"tool_call_id": r.call_id, "role": "tool", "content": r.content} for r in message.content]
        return {"role": "tool", "tool_responses": responses, "content": "\n\n".join(r.content for r in message.content)}
    if isinstance(message, ToolCallSummaryMessage):
        return None  # v0.2 had the executor's tool response instead (above)
    if isinstance(message, BaseChatMessage):
        content = getattr(message, "content", None)
        return {
            "content": content if isinstance(content, str) else message.to_text(),
            "role": role,
            "name": message.source,
        }
    return None


def _usage(messages: Sequence[Any], model: str | None, prices: PriceTable) -> dict[str, Any]:
    prompt = sum(m.models_usage.prompt_tokens for m in messages if getattr(m, "models_usage", None) is not None)
    completion = sum(m.models_usage.completion_tokens for m in messages if getattr(m, "models_usage", None) is not None)
    usage: dict[str, Any] = {"total_cost": 0.0}
    if not prompt and not completion:
        return usage
    name = model or "unknown"
    cost: Decimal | None = None
    if model is not None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # one warning of our own below, whatever the table's policy
            cost = (
                prices.cost(model, prompt_tokens=prompt, completion_tokens=completion)
                if prices.is_priced(model)
                else None
            )
    if cost is None:
        warnings.warn(
            f"ChatResult.cost: no price is known for model {name!r}; its cost is reported as 0. "
            "Give the v0.2 llm_config a price, or use agentkit.pricing overrides.",
            UserWarning,
            stacklevel=3,
        )
    value = float(cost or 0)
    usage["total_cost"] = value
    usage[name] = {
        "cost": value,
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    }
    return usage


def chat_result(
    task_result: TaskResult,
    *,
    sender: str,
    recipient: str,
    summary_method: str | Callable[..., Any] | None = "last_msg",
    model: str | None = None,
    prices: PriceTable | None = None,
) -> ChatResult:
    """The v0.2 ``ChatResult`` of a v0.4 team run that replaced ``sender.initiate_chat(recipient, ...)``.

    - ``chat_history``: the run's messages (tool calls and tool results included) in v0.2's dict shape, from
      the sender's point of view: its own messages (the task included) have role ``"assistant"``, the others
      ``"user"``.
    - ``summary``: ``"last_msg"`` -> the last message's text with every ``"TERMINATE"`` removed (v0.2);
      ``None`` -> ``""``.
    - ``cost``: v0.2's shape, from the messages' ``models_usage`` priced with
      :func:`~agentkit.migrate.compat.registered_price_table` (v0.2 ``price`` entries included); an unpriced
      model counts 0 and warns. v0.4 has no cache accounting, so both usage entries are the same.
    - ``human_input``: the sender's texts that answered an input request.

    Args:
        task_result: What ``team.run(...)`` returned.
        sender: The v0.2 initiator's name.
        recipient: The v0.2 recipient's name.
        summary_method: ``"last_msg"`` or ``None``. ``"reflection_with_llm"`` needs a model call: use
            :func:`a_chat_result`; the error says so.
        model: The model name to price the usage with (default: the one model
            :func:`~agentkit.migrate.compat.client_from_llm_config` built clients for, if there is exactly one).
        prices: The price table (default: :func:`~agentkit.migrate.compat.registered_price_table`).

    Returns:
        The :class:`ChatResult`.

    Raises:
        ConfigurationError: an unsupported ``summary_method``.
    """
    from autogen_agentchat.messages import BaseChatMessage, UserInputRequestedEvent

    from ._client import registered_models, registered_price_table

    if summary_method not in ("last_msg", None):
        raise ConfigurationError(
            "summary_method",
            f"{summary_method!r} is not supported by chat_result (it needs a model call or v0.2 agents).",
            'Use "last_msg", or await a_chat_result(..., summary_method="reflection_with_llm", model_client=...).',
        )
    messages = list(task_result.messages)
    history = [d for d in (_message_dict(m, sender) for m in messages) if d is not None]
    if (
        history
        and messages
        and isinstance(messages[0], BaseChatMessage)
        and history[0].get("name") == messages[0].source
    ):
        history[0] = {**history[0], "role": "assistant", "name": sender}  # the task: v0.2's sender sent it
    summary = ""
    if summary_method == "last_msg":
        chat_messages = [m for m in messages if isinstance(m, BaseChatMessage)]
        if chat_messages:
            last = chat_messages[-1]
            content = getattr(last, "content", None)
            summary = (content if isinstance(content, str) else last.to_text()).replace("TERMINATE", "")
    human: list[str] = []
    asked: set[str] = set()
    for message in messages:
        if isinstance(message, UserInputRequestedEvent):
            asked.add(message.source)
        elif isinstance(message, BaseChatMessage) and message.source in asked:
            asked.discard(message.source)
            if message.source == sender:
                human.append(message.to_text())
    if model is None:
        known = registered_models()
        model = known[0] if len(known) == 1 else None
    usage = _usage(messages, model, prices if prices is not None else registered_price_table())
    cost = {"usage_including_cached_inference": usage, "usage_excluding_cached_inference": dict(usage)}
    return ChatResult(chat_history=history, summary=summary, cost=cost, human_input=human)


DEFAULT_SUMMARY_PROMPT = "Summarize the takeaway from the conversation. Do not add any introductory phrases."
"""v0.2's ``ConversableAgent.DEFAULT_SUMMARY_PROMPT`` (the prompt of ``summary_method="reflection_with_llm"``)."""


async def a_chat_result(
    task_result: TaskResult,
    *,
    sender: str,
    recipient: str,
    summary_method: str | Callable[..., Any] | None = "last_msg",
    summary_args: Mapping[str, Any] | None = None,
    model_client: ChatCompletionClient | None = None,
    model: str | None = None,
    prices: PriceTable | None = None,
) -> ChatResult:
    """:func:`chat_result`, plus v0.2's ``summary_method="reflection_with_llm"`` (one more model call).

    The reflection sends the conversation from the recipient's point of view (its own messages as assistant
    messages, the others as user messages, no system message of the agent) followed by
    ``summary_args["summary_prompt"]`` (default :data:`DEFAULT_SUMMARY_PROMPT`) as a ``summary_role`` message
    (default ``"system"``), as v0.2 did, and uses the answer as the summary; a ``BadRequestError`` gives ``""``
    as in v0.2. Its token usage is added to ``cost``.

    Args:
        task_result: What ``team.run(...)`` returned.
        sender: The v0.2 initiator's name.
        recipient: The v0.2 recipient's name.
        summary_method: ``"last_msg"``, ``"reflection_with_llm"`` or ``None``.
        summary_args: v0.2's ``summary_args`` (``summary_prompt``, ``summary_role``).
        model_client: The client for the reflection (v0.2 used the recipient's, else the sender's).
        model: See :func:`chat_result`.
        prices: See :func:`chat_result`.

    Returns:
        The :class:`ChatResult`.

    Raises:
        ConfigurationError: ``"reflection_with_llm"`` without ``model_client``, or an unsupported method.
    """
    if summary_method != "reflection_with_llm":
        return chat_result(
            task_result, sender=sender, recipient=recipient, summary_method=summary_method, model=model, prices=prices
        )
    if model_client is None:
        raise ConfigurationError(
            "model_client",
            'is required for summary_method="reflection_with_llm" (v0.2 asked the recipient\'s LLM).',
            "Pass the recipient's model client.",
        )
    from autogen_agentchat.messages import BaseChatMessage
    from autogen_core.models import AssistantMessage, LLMMessage, SystemMessage, UserMessage

    args = dict(summary_args or {})
    prompt = str(args.get("summary_prompt", DEFAULT_SUMMARY_PROMPT))
    role = args.get("summary_role", "system")
    history: list[LLMMessage] = []
    for index, message in enumerate(task_result.messages):
        if not isinstance(message, BaseChatMessage):
            continue
        text = message.to_model_text()
        source = sender if index == 0 else message.source
        if source == recipient:
            history.append(AssistantMessage(content=text, source=source))
        else:
            history.append(UserMessage(content=text, source=source))
    history.append(SystemMessage(content=prompt) if role == "system" else UserMessage(content=prompt, source="user"))
    base = chat_result(task_result, sender=sender, recipient=recipient, summary_method=None, model=model, prices=prices)
    try:
        answer = await model_client.create(history)
    except Exception as error:
        if type(error).__name__ != "BadRequestError":
            raise
        return base  # v0.2: a BadRequestError gives an empty summary
    base.summary = answer.content if isinstance(answer.content, str) else ""
    return base
