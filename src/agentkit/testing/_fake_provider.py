"""``FakeProvider``: a local, scriptable, fault-injecting OpenAI + Anthropic HTTP server.

This module holds what a test talks to: the lifecycle, scripting steps per model, the records of what
arrived, the addresses, and real SDK clients pointed at the server. The server itself is a hand-written
minimal HTTP/1.1 server on its own event loop in one background thread (:mod:`._fake_provider_http`); how it
answers a request from its step is :mod:`._fake_provider_answer`; what it records per request is
:mod:`._fake_provider_record`.
"""

from __future__ import annotations

import asyncio
import threading
from collections import deque
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any

from typing_extensions import Self

from .._extras import require
from ..exceptions import ConfigurationError
from ._fake_provider_answer import FakeProviderAnswering
from ._fake_provider_record import RecordedRequest
from ._scripted import DEFAULT_MODEL_INFO
from ._steps import Fault, Reply, Step

if TYPE_CHECKING:
    from autogen_ext.models.anthropic import AnthropicChatCompletionClient
    from autogen_ext.models.openai import OpenAIChatCompletionClient

__all__ = ("FAKE_ANTHROPIC_KEY", "FAKE_OPENAI_KEY", "FakeProvider", "RecordedRequest")

FAKE_OPENAI_KEY = "sk-fake-agentkit-openai-key"
"""The API key :meth:`FakeProvider.openai_client` uses (the fake provider accepts any key)."""
FAKE_ANTHROPIC_KEY = "sk-ant-fake-agentkit-key"
"""The API key :meth:`FakeProvider.anthropic_client` uses."""

FAKE_MODEL_INFO: dict[str, Any] = dict(DEFAULT_MODEL_INFO)
"""``model_info`` given to clients for model names the SDKs do not know: every capability, as the scripted client."""

FAKE_ANTHROPIC_MODEL_INFO: dict[str, Any] = {
    **DEFAULT_MODEL_INFO,
    "structured_output": False,  # AutoGen's Anthropic client refuses Pydantic json_output
    "multiple_system_messages": False,
}
"""``model_info`` for Anthropic model names autogen-ext does not list exactly.

autogen-ext matches unknown Claude names by prefix and can land on an entry without function calling
(``claude-haiku-4-5`` did), which made routing skip the member for every tool request.
"""


class FakeProvider(FakeProviderAnswering):
    """A local fake of the OpenAI chat-completions and Anthropic messages APIs, scriptable per model.

    Use it as ``async with FakeProvider() as fp``, ``with FakeProvider() as fp``, or through the pytest
    fixture ``fake_provider``. Requests are answered by the steps scripted for their model name
    (:meth:`script`, consumed one per request; :meth:`always`), else by a deterministic default reply.

    Args:
        host: Interface to bind (loopback only by default).
        port: Port to bind; ``0`` picks a free ephemeral port.

    Example::

        with FakeProvider() as fp:
            fp.script("gpt-4o", Fault.rate_limit(retry_after=1), Reply.text("hi"))
            client = fp.openai_client("gpt-4o")
    """

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0) -> None:
        if not isinstance(port, int) or not 0 <= port <= 65535:
            raise ConfigurationError("port", f"must be 0-65535, got {port!r}.", "Pass 0 for a free port.")
        self._host = host
        self._port = port
        self._lock = threading.Lock()
        self._scripts: dict[str, deque[Step]] = {}
        self._always: dict[str, Step] = {}
        self._attempts: dict[str, int] = {}
        self._requests: list[RecordedRequest] = []
        self._waiters: list[tuple[int, asyncio.AbstractEventLoop, asyncio.Future[None]]] = []
        self._watchers: list[tuple[Callable[[list[RecordedRequest]], bool], asyncio.AbstractEventLoop, Any]] = []
        self._prefill_models: set[str] = set()
        self._prefill_rejecting: set[str] = set()
        self._seq = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: asyncio.AbstractServer | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._writers: set[asyncio.StreamWriter] = set()
        self._stopping: asyncio.Event | None = None
        self._bound_port = 0
        self._connections = 0

    # --- lifecycle ------------------------------------------------------------------------------------

    def start(self) -> Self:
        """Start serving in a background thread (idempotent); returns ``self``."""
        self._start_serving()
        return self

    def stop(self) -> None:
        """Stop serving: close connections (releasing hung and stalled requests) and join the thread."""
        self._stop_serving()

    @property
    def running(self) -> bool:
        """Whether the server is serving."""
        return self._thread is not None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    async def __aenter__(self) -> Self:
        return self.start()

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # --- addresses and clients ------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        if not self._bound_port:
            raise RuntimeError("FakeProvider is not running; use it as a context manager or call start().")
        return f"http://{self._host}:{self._bound_port}"

    @property
    def port(self) -> int:
        """The bound port."""
        return int(self.url.rsplit(":", 1)[1])

    @property
    def openai_base_url(self) -> str:
        """Base URL for OpenAI clients (``url + "/v1"``)."""
        return self.url + "/v1"

    @property
    def anthropic_base_url(self) -> str:
        """Base URL for Anthropic clients (the SDK appends ``/v1/messages``)."""
        return self.url

    def openai_client(self, model: str = "gpt-4o-mini", **kwargs: Any) -> OpenAIChatCompletionClient:
        """A real ``OpenAIChatCompletionClient`` pointed at this provider.

        Defaults (each overridable via ``kwargs``): ``base_url``, a fake ``api_key``, ``max_retries=0``,
        and a permissive ``model_info`` for model names the client does not know.
        """
        require("autogen_ext.models.openai", "openai", feature="FakeProvider.openai_client()")
        from autogen_ext.models.openai import OpenAIChatCompletionClient

        kwargs.setdefault("base_url", self.openai_base_url)
        kwargs.setdefault("api_key", FAKE_OPENAI_KEY)
        kwargs.setdefault("max_retries", 0)
        if "model_info" not in kwargs and not _known_openai(model):
            kwargs["model_info"] = dict(FAKE_MODEL_INFO)
        return OpenAIChatCompletionClient(model=model, **kwargs)

    def anthropic_client(self, model: str = "claude-haiku-4-5", **kwargs: Any) -> AnthropicChatCompletionClient:
        """A real ``AnthropicChatCompletionClient`` pointed at this provider (defaults as :meth:`openai_client`)."""
        require("autogen_ext.models.anthropic", "anthropic", feature="FakeProvider.anthropic_client()")
        from autogen_ext.models.anthropic import AnthropicChatCompletionClient

        kwargs.setdefault("base_url", self.anthropic_base_url)
        kwargs.setdefault("api_key", FAKE_ANTHROPIC_KEY)
        kwargs.setdefault("max_retries", 0)
        if "model_info" not in kwargs and not _known_anthropic(model):
            kwargs["model_info"] = dict(FAKE_ANTHROPIC_MODEL_INFO)
        return AnthropicChatCompletionClient(model=model, **kwargs)

    # --- scripting ------------------------------------------------------------------------------------

    def script(self, model: str, *steps: Step) -> None:
        """Queue steps for ``model``: each request for it consumes the next; then :meth:`always` or the default.

        ``model="*"`` scripts every model that has no script of its own.
        """
        _check_steps(steps)
        with self._lock:
            self._scripts.setdefault(model, deque()).extend(steps)

    def always(self, model: str, step: Step) -> None:
        """Answer every request for ``model`` (after its queued steps) with ``step``; ``"*"`` for any model."""
        _check_steps((step,))
        with self._lock:
            self._always[model] = step

    def accept_prefill(self, *models: str) -> None:
        """Make the OpenAI wire continue a trailing assistant message for ``models`` (``"*"``: every model).

        The Anthropic wire always does, as the real API does for the models that accept a prefill (see
        :meth:`reject_prefill` for those that do not). A continued reply takes its scripted text as the whole
        answer and sends what follows the prefill: the rest of the text when it begins with the prefill, else
        its words after as many words as the prefill has (a model picking up mid-sentence).
        """
        with self._lock:
            self._prefill_models.update(models)

    def reject_prefill(self, *models: str) -> None:
        """Answer a request for ``models`` that ends with an assistant message with HTTP 400 (``"*"``: any model).

        As the Anthropic API does for Claude Sonnet 4.6, Opus 4.6 and later models ("This model does not
        support assistant message prefill"), in the wire format of the request. The rejected request
        consumes no scripted step: the next request for the model gets it.
        """
        with self._lock:
            self._prefill_rejecting.update(models)

    def pending(self, model: str) -> int:
        """How many queued steps for ``model`` are not consumed yet."""
        with self._lock:
            return len(self._scripts.get(model, ()))

    def reset(self) -> None:
        """Forget scripts, attempt counters and recorded requests."""
        with self._lock:
            self._scripts.clear()
            self._always.clear()
            self._attempts.clear()
            self._requests.clear()
            self._prefill_models.clear()
            self._prefill_rejecting.clear()
            self._connections = 0

    def _next_step(
        self, model: str, prefilled: bool = False, invalid: Fault | None = None
    ) -> tuple[int, int, Step | None]:
        with self._lock:
            self._seq += 1
            attempt = self._attempts.get(model, 0) + 1
            self._attempts[model] = attempt
            if invalid is not None:  # a request the real API refuses whatever the script says
                return self._seq, attempt, invalid
            if prefilled and (model in self._prefill_rejecting or "*" in self._prefill_rejecting):
                return self._seq, attempt, Fault.prefill_rejected()
            for key in (model, "*"):
                queue = self._scripts.get(key)
                if queue:
                    return self._seq, attempt, queue.popleft()
                if key in self._always:
                    return self._seq, attempt, self._always[key]
            return self._seq, attempt, None

    # --- records --------------------------------------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received so far, in arrival order (a copy of the list)."""
        with self._lock:
            return list(self._requests)

    @property
    def connections(self) -> int:
        """How many TCP connections the provider has accepted (keep-alive reuses one for many requests)."""
        return self._connections

    def requests_for(self, model: str) -> list[RecordedRequest]:
        """The recorded requests for ``model``."""
        with self._lock:
            return [r for r in self._requests if r.model == model]

    async def wait_for_requests(self, count: int = 1, *, timeout: float = 5.0) -> list[RecordedRequest]:
        """Wait (in the caller's event loop) until at least ``count`` requests have arrived; return them.

        Raises:
            TimeoutError: if they do not arrive within ``timeout`` seconds.
        """
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        with self._lock:
            if len(self._requests) >= count:
                return list(self._requests)
            self._waiters.append((count, loop, future))
        try:
            await asyncio.wait_for(future, timeout)
        except asyncio.TimeoutError:
            raise TimeoutError(f"FakeProvider: expected {count} request(s), got {len(self.requests)}") from None
        return self.requests

    async def wait_until(
        self, predicate: Callable[[list[RecordedRequest]], bool], *, timeout: float = 10.0
    ) -> list[RecordedRequest]:
        """Wait until ``predicate(requests)`` holds (checked as requests arrive, finish or are abandoned).

        Raises:
            TimeoutError: if it does not hold within ``timeout`` seconds.
        """
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        with self._lock:
            if predicate(list(self._requests)):
                return list(self._requests)
            self._watchers.append((predicate, loop, future))
        try:
            await asyncio.wait_for(future, timeout)
        except asyncio.TimeoutError:
            with self._lock:
                self._watchers = [w for w in self._watchers if w[2] is not future]
            raise TimeoutError("FakeProvider: the awaited condition did not hold in time") from None
        return self.requests

    def _changed(self) -> None:
        if not self._watchers:  # the common case: nobody waits, nothing to copy
            return
        with self._lock:
            requests = list(self._requests)
            ready = [w for w in self._watchers if w[0](requests)]
            if ready:
                self._watchers = [w for w in self._watchers if w not in ready]
        for _, loop, future in ready:
            loop.call_soon_threadsafe(_resolve, future)

    def _record(self, record: RecordedRequest) -> None:
        with self._lock:
            self._requests.append(record)
            arrived = len(self._requests)
            ready = [w for w in self._waiters if w[0] <= arrived]
            if ready:
                self._waiters = [w for w in self._waiters if w[0] > arrived]
        for _, loop, future in ready:
            loop.call_soon_threadsafe(_resolve, future)
        self._changed()

    def __repr__(self) -> str:
        where = self.url if self._bound_port and self.running else "stopped"
        return f"FakeProvider({where}, requests={len(self._requests)})"


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


def _check_steps(steps: tuple[Any, ...]) -> None:
    for index, step in enumerate(steps):
        if not isinstance(step, (Reply, Fault)):
            raise ConfigurationError(
                f"steps[{index}]",
                f"must be a Reply or a Fault, got {type(step).__name__}.",
                'Build steps with Reply.text("...") or Fault.status(503).',
            )


def _known(lookup: Callable[[str], Any], model: str) -> bool:
    try:
        lookup(model)
    except (KeyError, ValueError):
        return False
    return True


def _known_openai(model: str) -> bool:
    try:  # a private autogen-ext table; if it moves, fall back to always passing model_info
        from autogen_ext.models.openai import _model_info
    except ImportError:  # pragma: no cover - depends on the installed autogen-ext
        return False
    return _known(_model_info.get_info, model)


def _known_anthropic(model: str) -> bool:
    """Whether autogen-ext lists ``model`` exactly (its prefix fallback can pick a wrong entry)."""
    try:
        from autogen_ext.models.anthropic import _model_info
    except ImportError:  # pragma: no cover - depends on the installed autogen-ext
        return False
    table = getattr(_model_info, "_MODEL_INFO", None)
    return isinstance(table, dict) and model in table
