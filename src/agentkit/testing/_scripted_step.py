"""The steps of a :class:`~agentkit.testing.ScriptedChatCompletionClient` script: :class:`Scripted`, ``ScriptItem``."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from autogen_core.models import CreateResult

from ..exceptions import ConfigurationError

__all__ = ("ScriptItem", "Scripted")


@dataclass(frozen=True)
class Scripted:
    """One scripted step with more control than a bare string, ``CreateResult`` or exception.

    Examples::

        Scripted("hello world", latency=2.0)                      # answer after 2 s on the client's clock
        Scripted("a b c", chunks=["a ", "b ", "c"], chunk_latency=0.1)
        Scripted(raises=TimeoutError("upstream"), latency=5.0)     # fail after 5 s
        Scripted("partial answer", raises=ConnectionError("cut"), raise_after=1)  # stream breaks after chunk 1
        Scripted("hi", usage=(120, 3))                             # report this usage

    Attributes:
        result: The answer: text or a full ``CreateResult``. ``None`` only together with ``raises``.
        raises: An exception to raise instead of (``raise_after=None``) or part-way through (streams) answering.
        latency: Seconds before the answer (or before the first stream chunk); ``None`` uses the client's.
        chunks: Stream chunks; by default text is split into words (concatenating them gives the text back).
        chunk_latency: Seconds between stream chunks.
        raise_after: With ``raises``: in ``create_stream`` raise after this many chunks were yielded
            (``create`` raises after ``latency`` regardless).
        usage: ``(prompt_tokens, completion_tokens)`` to report; by default estimated with
            :func:`estimate_tokens`. Ignored for ``CreateResult`` results, which carry their own usage.
    """

    result: str | CreateResult | None = None
    raises: BaseException | None = None
    latency: float | None = None
    chunks: Sequence[str] | None = None
    chunk_latency: float = 0.0
    raise_after: int | None = None
    usage: tuple[int, int] | None = None

    def __post_init__(self) -> None:
        if self.result is None and self.raises is None:
            raise ConfigurationError("Scripted", "needs a result or an exception to raise.", "Pass result= or raises=.")
        for name in ("latency", "chunk_latency"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, (int, float)) or value < 0 or math.isnan(value)):
                raise ConfigurationError(f"Scripted.{name}", f"must be >= 0 seconds, got {value!r}.", "Pass e.g. 0.5.")
        if self.raise_after is not None and (self.raises is None or self.raise_after < 0):
            raise ConfigurationError(
                "Scripted.raise_after", "needs raises= and must be >= 0.", "Pass raises=SomeError(...) too."
            )
        if self.chunks is not None and not isinstance(self.result, str):
            raise ConfigurationError(
                "Scripted.chunks", "only applies to text results.", "Pass result='text' or drop chunks."
            )
        if self.chunks is not None and "".join(self.chunks) != self.result:
            raise ConfigurationError(
                "Scripted.chunks", "must concatenate to the result text.", "Make ''.join(chunks) == result."
            )


ScriptItem = str | CreateResult | BaseException | Scripted
"""What a script holds: text, a ``CreateResult``, an exception instance (raised), or :class:`Scripted`."""
