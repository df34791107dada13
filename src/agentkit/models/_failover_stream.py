"""Streams through a failover client: pass chunks straight through, recover a stream that breaks.

Until the first chunk reaches the caller a stream fails over like ``create``. After that, a stream that is
cut, stalls, turns malformed or ends without a finish reason is *recovered* (``stream_recovery="auto"``):

- **continue**: when the next member accepts an assistant prefill (Anthropic; OpenAI-compatible servers
  declared with ``FailoverMember(prefill=True)``), the request is sent again with the text the caller
  already has as a trailing assistant message, and the member's continuation is streamed on;
- **restart**: otherwise the request is restarted on the next member and its chunks are held back until
  its answer is as long as the text already delivered; when it begins with that text, only what goes
  beyond it is streamed (else the next member is tried). A member that rejects the prefill (HTTP 400) is
  restarted at once.

Either way no text is ever sent twice, and the final ``CreateResult`` holds the whole answer with the
summed usage of every attempt. Tool-call deltas are never continued; when nothing can recover the stream,
:class:`~agentkit.exceptions.IncompleteStreamError` carries everything the caller received.

The happy path costs one list append per chunk (the chunk references kept for recovery, joined only
on failure); the idle watchdog looks at the stream only when its alarm rings.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import AsyncGenerator, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

from autogen_core import CancellationToken
from autogen_core.models import AssistantMessage, CreateResult, LLMMessage, RequestUsage
from autogen_core.tools import Tool, ToolSchema
from pydantic import BaseModel

from .._callinfo import set_answered_by
from ..exceptions import ContentFilteredError, IncompleteStreamError
from ._failover_call import Call, Failure, Halt, Opened, aclose_quietly, end_span, fail_span, outcome_of, start_span
from ._failover_hedge import open_hedged
from ._failover_member import thinking_on
from ._policy import ErrorClass, PolicyAction
from ._routing import estimate_tokens
from ._wire_tap import Spent, WireRecord

if TYPE_CHECKING:
    from ._failover import FailoverChatCompletionClient
    from ._failover_member import Member

__all__ = ("stream_completion",)

_END: Any = object()
_PREFILL_SOURCE = "assistant"


async def stream_completion(
    client: FailoverChatCompletionClient,
    this: list[weakref.ref[AsyncGenerator[str | CreateResult, None]]],
    messages: Sequence[LLMMessage],
    tools: Sequence[Tool | ToolSchema],
    tool_choice: Tool | Literal["auto", "required", "none"],
    json_output: bool | type[BaseModel] | None,
    extra_create_args: Mapping[str, Any],
    cancellation_token: CancellationToken | None,
) -> AsyncGenerator[str | CreateResult, None]:
    """The body of ``FailoverChatCompletionClient.create_stream`` (see the module docstring).

    ``this[0]`` is a weak reference to this very generator, set by the caller once it is created: the idle
    watchdog looks at what the generator awaits (weak, so the generator's frame holds no cycle).
    """
    call = Call(
        messages,
        tools,
        tool_choice,
        json_output,
        extra_create_args,
        cancellation_token,
        True,
        client.clock,
        client.deadline,
    )
    span = call.span = start_span("agentkit.failover.create_stream")
    set_answered_by(None)  # until this stream answers: never the previous call's member
    if cancellation_token is not None:  # AutoGen's Anthropic client links only the request to it, not the chunks
        call.halted = Halt()
        cancellation_token.add_callback(call.halted)
    try:
        if client._circuits is not None:  # one round trip: the fleet's breaker state, a probe lease if due
            await client._circuits.refresh([m.breaker for m in client._members])
        plan = client._plan(call)
        opened: Opened | None = None
        if client.hedge_after is not None and client._hedging(call):
            opened = await open_hedged(client, call, plan)
        while True:
            if opened is None:
                for member in plan:
                    outcome = await client._open_stream(member, call, call.messages)
                    if isinstance(outcome, Failure):
                        client._after_failure(member, call, outcome)
                        continue
                    opened = outcome
                    break
                else:
                    raise client._all_failed(call)
            # Pass chunks straight through; only the watchdog and one append run per chunk.
            member, agen, dog, started, slot = opened.member, opened.agen, opened.dog, opened.started, opened.slot
            chunk: Any = opened.first
            opened = None
            dog.passthrough(this[0])
            partial: list[str] = []
            keep = partial.append
            next_chunk = agen.__anext__
            result: CreateResult | None = None
            error: Exception | None = None
            tool_started = False
            finished = False
            halted = call.halted
            try:
                while True:
                    if type(chunk) is str:
                        keep(chunk)
                        yield chunk
                    elif isinstance(chunk, CreateResult):
                        result = chunk
                        break
                    elif chunk is _END:
                        error = IncompleteStreamError("the stream ended without a final result")
                        break
                    elif isinstance(chunk, str):
                        partial.append(chunk)
                        yield chunk
                    else:  # malformed: skipped (a tool-call-like delta forbids a recovery)
                        tool_started = tool_started or hasattr(chunk, "arguments") or isinstance(chunk, Mapping)
                    if halted is not None and halted.set:
                        raise asyncio.CancelledError("the call's cancellation token was cancelled")
                    try:
                        chunk = await next_chunk()
                    except StopAsyncIteration:
                        chunk = _END
                    except asyncio.CancelledError as cancelled:
                        timed_out = dog.check(cancelled)
                        if timed_out is None:
                            raise
                        error = timed_out
                        break
                    except Exception as failure:
                        error = failure
                        break
                finished = True
            finally:
                dog.close()
                if not finished:  # cancelled or closed by the caller: stop the attempt in flight
                    member.breaker.release()
                    client._record_failed(member, call, asyncio.CancelledError(), None, "cancelled", started)
                await agen.aclose()
            if result is not None and error is None:
                if result.finish_reason == "content_filter" or slot is not None:  # a refusal? (free otherwise)
                    error = client._refusal(member, result, slot, partial)
                if error is None:
                    if client.strict_stream_finish and result.finish_reason == "unknown":
                        error = IncompleteStreamError("the stream ended before a finish reason arrived")
                    else:
                        client._record_ok(member, call, result, started)
                        if slot is not None:
                            slot.publish()
                        set_answered_by(member.answer)
                        yield result
                        return
            assert error is not None
            if not partial:
                # Nothing reached the caller from this attempt: the ordinary failover rules apply.
                error_class, action = client._decide(error)
                client._health(member, error_class)
                action = PolicyAction.FAILOVER if action is PolicyAction.RETRY else action
                usage = getattr(error, "usage", None)  # a refusal's usage was spent
                client._record_failed(member, call, error, error_class, outcome_of(action), started, usage)
                client._after_failure(member, call, Failure(error, error_class, action))
                continue
            usage = _usage_of(call, partial, result, slot)
            broken, allow_prefill = _broken(client, call, member, partial, usage, error, tool_started, started)
            parts = [_spent(member, usage, slot)]
            async for item in _recover(client, call, plan, partial, usage, parts, broken, allow_prefill):
                yield item
            return
    except BaseException as error:
        fail_span(span, error)
        raise
    finally:
        if span is not None:
            end_span(span, call)


def _usage_of(call: Call, partial: list[str], result: CreateResult | None, slot: WireRecord | None) -> RequestUsage:
    """What a broken attempt used: its result's, else what the wire reported so far, else an estimate."""
    if result is not None:
        used = result.usage
        if result.finish_reason != "unknown":
            return used
        # Ended without a finish reason: it may have reported nothing (OpenAI: 0/0) or only the output counted at
        # the start (Anthropic: 1): a reported input is kept, the output is never below the delivered text's.
        least = _usage_of(call, partial, None, slot)
        return RequestUsage(
            prompt_tokens=used.prompt_tokens or least.prompt_tokens,
            completion_tokens=max(used.completion_tokens, least.completion_tokens),
        )
    completion = sum(len(p) for p in partial) // 4
    details = slot.details if slot is not None else None
    if details is not None and details.reported is not None:  # Anthropic's message_start: the input, exactly
        return RequestUsage(prompt_tokens=details.reported[0], completion_tokens=max(details.reported[1], completion))
    prompt = call.shape.prompt_tokens if call.shape is not None else estimate_tokens(call.messages, call.tools)
    return RequestUsage(prompt_tokens=prompt, completion_tokens=completion)


def _spent(member: Member, usage: RequestUsage, slot: WireRecord | None) -> Spent:
    """An attempt of a recovered stream that did not give the answer, as the metered client outside bills it."""
    details = slot.details if slot is not None else None
    return Spent(member.name, member.model, member.provider, usage.prompt_tokens, usage.completion_tokens, details)


def _broken(
    client: FailoverChatCompletionClient,
    call: Call,
    member: Member,
    partial: list[str],
    usage: RequestUsage,
    error: Exception,
    tool_started: bool,
    started: float,
) -> tuple[IncompleteStreamError, bool]:
    """Record a stream that broke after text reached the caller; raise unless it may be recovered.

    Returns the error to raise if recovery fails, and whether the next member may continue the text
    (a refused answer is never continued, only restarted).
    """
    text = "".join(partial)
    refused = isinstance(error, ContentFilteredError)
    if refused:
        error_class, action = client._decide(error)
        if action is PolicyAction.RAISE:
            member.breaker.release()
            client._record_failed(member, call, error, error_class, "raise", started, usage)
            raise error
    broken = IncompleteStreamError(
        f"stream from {member.name} broke after {len(partial)} chunk(s): {type(error).__name__}: {error}",
        partial_text=text,
        usage=usage,
        member=member.name,
        model=member.model,
        tool_call_started=tool_started,
    )
    broken.__cause__ = error
    if refused:
        member.breaker.release()
    else:
        member.breaker.record_failure()
    recover = client.stream_recovery != "off" and not tool_started
    client._record_failed(
        member, call, broken, ErrorClass.STREAM_BROKEN, "failover" if recover else "raise", started, usage
    )
    if not recover:
        raise broken
    # Text that may hold streamed thinking (Anthropic's extended thinking arrives as plain text chunks) is
    # never sent back as a prefill: the next members restart.
    thinking = member.thinking or thinking_on(call.extra.get("thinking"))
    return broken, not refused and not thinking


async def _recover(
    client: FailoverChatCompletionClient,
    call: Call,
    plan: Iterator[Member],
    delivered: list[str],
    spent: RequestUsage,
    parts: list[Spent],
    broken: IncompleteStreamError,
    allow_prefill: bool,
) -> AsyncGenerator[str | CreateResult, None]:
    """Continue or restart a broken stream on the next members (see the module docstring).

    ``spent`` sums the usage of the attempts so far, ``parts`` lists them for a metered client outside.
    """
    for member in plan:
        if not client._check_continue(call):
            break
        text = "".join(delivered)
        continuing = (
            allow_prefill
            and member.prefill
            and client.stream_recovery == "auto"
            and bool(text.strip())
            and "<think>" not in text  # reasoning is never sent back as the answer's visible text
        )
        opened, continuing = await _open_recovery(client, member, call, text, continuing)
        if isinstance(opened, Failure):
            if opened.error_class is ErrorClass.CONTENT_FILTER and opened.action is PolicyAction.RAISE:
                if isinstance(opened.error, ContentFilteredError):
                    opened.error.partial_text = text
                raise opened.error  # a refusal is raised, as from the first member: never a silent failover
            continue  # the next member may recover it
        attempt = _Attempt(client, call, opened, text, continuing)
        pieces = attempt.run()
        opened.dog.passthrough(weakref.ref(pieces))
        try:
            async for piece in pieces:
                delivered.append(piece)
                yield piece
        except BaseException as stopped:
            member.breaker.release()
            if isinstance(stopped, ContentFilteredError):  # refused mid-recovery, and the policy raises
                client._record_failed(
                    member, call, stopped, ErrorClass.CONTENT_FILTER, "raise", opened.started, stopped.usage
                )
            elif not isinstance(stopped, Exception):  # cancelled or closed by the caller mid-recovery
                client._record_failed(member, call, stopped, None, "cancelled", opened.started)
            raise
        finally:
            await attempt.close()
        if attempt.result is not None:
            final = _final(attempt.result, "".join(delivered), spent)
            client._record_ok(member, call, final, opened.started)
            if opened.slot is not None:
                opened.slot.publish(parts)  # the answer's usage details, and the earlier attempts to bill
            set_answered_by(member.answer)
            yield final
            return
        used = attempt.usage()
        spent = _add(spent, used)
        parts.append(_spent(member, used, opened.slot))
        failed = IncompleteStreamError(
            f"stream from {member.name} could not recover the answer: {attempt.reason}",
            partial_text="".join(delivered),
            usage=spent,
            member=member.name,
            model=member.model,
            tool_call_started=attempt.tool_started,
        )
        if attempt.error is not None:
            failed.__cause__ = attempt.error
            member.breaker.record_failure()
        else:
            member.breaker.release()  # the member answered, just not with a continuation of this text
        client._record_failed(
            member, call, failed, ErrorClass.STREAM_BROKEN, "failover", opened.started, attempt.usage()
        )
        if attempt.pieces:  # this member broke in turn after adding text: it is the one to report
            broken = failed
        if attempt.tool_started:
            break
        allow_prefill = allow_prefill and not attempt.refused and not member.thinking
    broken.partial_text = "".join(delivered)
    broken.usage = spent
    raise broken


async def _open_recovery(
    client: FailoverChatCompletionClient, member: Member, call: Call, text: str, continuing: bool
) -> tuple[Opened | Failure, bool]:
    """Open a recovery stream on ``member``: with the text as a prefill when ``continuing``, else a restart.

    Returns the opened stream (or the member's failure) and whether it continues the prefill. A member that
    rejects the prefill (HTTP 400: Claude Sonnet 4.6, Opus 4.6 and later models, some OpenAI-compatible
    proxies) is restarted at once without one; when that restart opens, the 400 was the prefill's, and the
    member is not sent one again.
    """
    call.recovering = True  # a failed attempt moves on to the next member, whatever the policy says
    if not continuing:
        return await client._open_stream(member, call, call.messages), False
    prefilled = [*call.messages, AssistantMessage(content=text.rstrip(), source=_PREFILL_SOURCE)]
    opened = await client._open_stream(member, call, prefilled, member.spec.prefill_create_args)
    if not isinstance(opened, Failure) or opened.error_class is not ErrorClass.BAD_REQUEST:
        return opened, True
    opened = await client._open_stream(member, call, call.messages)
    if not isinstance(opened, Failure):
        member.prefill = False  # learned: the same request without the prefill was accepted
    return opened, False


class _Attempt:
    """One recovery attempt: trims what the caller already has, then passes the rest through."""

    def __init__(
        self, client: FailoverChatCompletionClient, call: Call, opened: Opened, text: str, continuing: bool
    ) -> None:
        self.client = client
        self.call = call
        self.opened = opened
        self.text = text  # what the caller already has
        self.continuing = continuing
        # The prefill is sent without its trailing whitespace (Anthropic rejects it); the continuation often
        # repeats it ("\n    return"): its leading whitespace is held until the first visible character, and
        # only what goes beyond the whitespace already delivered is passed on (indentation, blank lines).
        # When only whitespace was delivered, a restart is not held back either: its leading whitespace is.
        blank = not text.strip()
        self.trimmed = text[len(text.rstrip()) :] if continuing or blank else ""
        self.skip_space = bool(self.trimmed)
        self.lead = ""
        self.held: list[str] | None = None if blank else []  # restart: the new answer until it covers ``text``
        self.pieces: list[str] = []  # what this attempt delivered
        self.result: CreateResult | None = None
        self.error: Exception | None = None
        self.reason = ""
        self.tool_started = False
        self.refused = False

    async def run(self) -> AsyncGenerator[str, None]:
        opened, dog = self.opened, self.opened.dog
        chunk: Any = opened.first
        while True:
            if isinstance(chunk, str):
                piece = self._accept(chunk)
                if piece is None:
                    return
                if piece:
                    self.pieces.append(piece)
                    yield piece
            elif isinstance(chunk, CreateResult):
                self._finish(chunk)
                return
            elif chunk is _END:
                self._fail(IncompleteStreamError("the stream ended without a final result"))
                return
            else:
                self.tool_started = self.tool_started or hasattr(chunk, "arguments") or isinstance(chunk, Mapping)
            halted = self.call.halted
            if halted is not None and halted.set:
                raise asyncio.CancelledError("the call's cancellation token was cancelled")
            try:
                chunk = await opened.agen.__anext__()
            except StopAsyncIteration:
                chunk = _END
            except asyncio.CancelledError as cancelled:
                timed_out = dog.check(cancelled)
                if timed_out is None:
                    raise
                self._fail(timed_out)
                return
            except Exception as failure:
                self._fail(failure)
                return

    def _accept(self, chunk: str) -> str | None:
        """What of ``chunk`` goes to the caller (``None``: the new answer diverged, give up on this member)."""
        if self.skip_space:
            lead = self.lead = self.lead + chunk
            stripped = lead.lstrip()
            if not stripped:
                return ""
            self.skip_space = False
            space = lead[: len(lead) - len(stripped)]
            return space[_shared(space, self.trimmed) :] + stripped
        if self.continuing or self.held is None:
            return chunk
        self.held.append(chunk)
        held = "".join(self.held)
        if len(held) < len(self.text):
            if not self.text.startswith(held):
                self.reason = "its new answer does not begin with the text already delivered"
                return None
            return ""
        self.held = None
        if not held.startswith(self.text):
            self.reason = "its new answer does not begin with the text already delivered"
            return None
        return held[len(self.text) :]

    def _finish(self, result: CreateResult) -> None:
        refusal = self.client._refusal(self.opened.member, result, self.opened.slot, [self.text])
        if refusal is not None:
            self.refused = True
            _, action = self.client._decide(refusal)
            if action is PolicyAction.RAISE:
                refusal.partial_text = self.text + "".join(self.pieces)
                raise refusal
            self._fail(refusal)
        elif self.client.strict_stream_finish and result.finish_reason == "unknown":
            self._fail(IncompleteStreamError("the stream ended before a finish reason arrived"))
        elif not self.continuing and self.held is not None and "".join(self.held) != self.text:
            self.reason = "its new answer is shorter than the text already delivered"
        else:
            self.result = result

    def _fail(self, error: Exception) -> None:
        self.error = error
        self.reason = f"{type(error).__name__}: {error}"

    def usage(self) -> RequestUsage:
        if self.result is not None:
            return self.result.usage
        return _usage_of(self.call, [*(self.held or ()), *self.pieces], None, self.opened.slot)

    async def close(self) -> None:
        self.opened.dog.close()
        await aclose_quietly(self.opened.agen)


def _shared(a: str, b: str) -> int:
    """The length of the prefix ``a`` and ``b`` share."""
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _add(a: RequestUsage, b: RequestUsage) -> RequestUsage:
    return RequestUsage(a.prompt_tokens + b.prompt_tokens, a.completion_tokens + b.completion_tokens)


def _final(result: CreateResult, text: str, spent: RequestUsage) -> CreateResult:
    """The recovered answer: the whole text the caller received, with every attempt's usage."""
    update: dict[str, Any] = {"usage": _add(spent, result.usage)}
    if isinstance(result.content, str):
        thought = result.thought
        closed = text.find("</think>")
        if closed >= 0 and text.lstrip().startswith("<think>"):
            # An answer that opens with a think block: reasoning AutoGen streamed so (reasoning_content, an R1
            # model), whichever member the text came from. A "<think>" later in the text is the answer's own.
            update["thought"] = text[text.find("<think>") + len("<think>") : closed].strip()
            text = text[closed + len("</think>") :].strip()
        elif thought and text.startswith(thought):  # streamed thinking (Anthropic) before the answer's text
            text = text[len(thought) :]
        update["content"] = text
    else:  # tool calls after the recovered text: the text is their thought, as AutoGen's clients report it
        update["thought"] = text
    return result.model_copy(update=update)
