"""What a :class:`~agentkit.testing.FakeProvider` records of each request: :class:`RecordedRequest`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from ._steps import Step

__all__ = ("Api", "RecordedRequest")

Api = Literal["openai", "anthropic"]
"""The wire format a request used."""


@dataclass
class RecordedRequest:
    """One request the fake provider received.

    Attributes:
        model: The ``model`` field of the body (``""`` if absent).
        api: ``"openai"`` or ``"anthropic"``.
        path: The request path.
        arrived_at: ``time.monotonic()`` when the request was read.
        headers: Request headers, lower-cased; credentials (``authorization``, ``x-api-key``, ...) redacted.
        body: The parsed JSON body.
        stream: Whether a stream was requested.
        attempt: 1-based count of requests for this model so far (this one included).
        step: The scripted step that answered, ``None`` for the default reply.
        outcome: ``"pending"`` while answering, then ``"ok"``, ``"status 429"``, ``"connection_reset"``,
            ``"hang"``, ``"cut"``, ``"stalled"``, ``"malformed"``, ``"no_terminator"``, ``"content_filter"``
            or ``"client_disconnected"``.
        finished_at: ``time.monotonic()`` when the answer was complete (``None`` while pending).
        prefill: The text of a trailing assistant message the reply continued (Anthropic always; OpenAI wire
            only for models accepting prefill, see :meth:`FakeProvider.accept_prefill`), else ``None``.
        abandoned_at: ``time.monotonic()`` when the client closed the connection while the provider was still
            holding the answer back (a hang, a stall or a delay), else ``None``.
    """

    model: str
    api: Api
    path: str
    arrived_at: float
    headers: dict[str, str]
    body: Any
    stream: bool
    attempt: int
    step: Step | None = None
    outcome: str = "pending"
    finished_at: float | None = field(default=None, compare=False)
    prefill: str | None = None
    abandoned_at: float | None = field(default=None, compare=False)

    @property
    def abandoned(self) -> bool:
        """Whether the client gave up on this request while the provider was holding the answer back."""
        return self.abandoned_at is not None
