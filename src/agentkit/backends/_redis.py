"""``RedisStore``: one Redis connection (URL or client) and the options every shared seam uses.

redis-py is imported lazily, on first use, never at ``import agentkit``.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import os
import re
import sys
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Any, Literal, TypeVar
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from .._utils import to_seconds
from ..events import AgentkitEvent, emit
from ..exceptions import ConfigurationError, StoreUnavailableError

__all__ = (
    "FailureMode",
    "RedisStore",
    "StoreRecoveredEvent",
    "StoreUnavailableEvent",
    "redact_store_url",
    "resolve_store",
)

FailureMode = Literal["closed", "open"]

T = TypeVar("T")

_log = logging.getLogger("agentkit.backends")
_HAS_TIMEOUT = sys.version_info >= (3, 11)

_OPTIONS = ("namespace", "on_unavailable", "timeout", "reservation_ttl", "scope_ttl", "password_env", "max_connections")
_SCHEMES = ("redis", "rediss", "unix")
_NAME = re.compile(r"^[A-Za-z0-9_.:@/=+-]{1,200}$")
_MASK = "***"
REDACTED_MARKERS = frozenset({"**********", "***"})


class StoreUnavailableEvent(AgentkitEvent):
    """A shared store could not be reached (logged at WARNING too).

    Fields: ``store`` (redacted URL), ``operation`` (``admit``/``settle``/``circuit``), ``error`` (type and
    message), ``mode`` (``closed``: the call was refused; ``open``: this process counts locally until the
    store returns).
    """

    type = "agentkit.StoreUnavailable"


class StoreRecoveredEvent(AgentkitEvent):
    """A shared store answered again after an outage.

    Fields: ``store`` (redacted URL), ``operation``, ``reconciled_requests`` and ``reconciled_cost_usd``
    (what this process counted locally during the outage and has now pushed to the store).
    """

    type = "agentkit.StoreRecovered"


def _redact_url_fallback(url: str) -> str:
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit((parts.scheme, f"{_MASK}@{host}", parts.path, parts.query, parts.fragment))


def redact_store_url(url: str) -> str:
    """``url`` with its credentials masked (``agentkit._redaction.redact_url`` when that module exists).

    agentkit's own options in the query string (``namespace``, ``password_env``, ...) are kept: none is a secret.
    """
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    ours = [(k, v) for k, v in query if k in _OPTIONS]
    rest = [(k, v) for k, v in query if k not in _OPTIONS]
    base = urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(rest), parts.fragment))
    try:
        module: Any = importlib.import_module("agentkit._redaction")
    except ImportError:  # pragma: no cover - the shared layer is part of the package
        module = None
    redact = getattr(module, "redact_url", None)
    redacted = str(redact(base)) if callable(redact) else _redact_url_fallback(base)
    if not ours:
        return redacted
    return redacted + ("&" if "?" in redacted else "?") + urlencode(ours)


class RedisStore:
    """A Redis server shared by many worker processes, and how agentkit uses it.

    You rarely build one yourself: ``BudgetTermination(store="redis://host:6379/0")`` and
    ``FailoverChatCompletionClient(..., circuit_store="redis://host:6379/0")`` build (and share, per URL)
    one for you. Build one to pass an existing ``redis.asyncio.Redis`` client, or to set options in code
    instead of in the URL's query string.

    Options (also accepted as URL query parameters, e.g. ``redis://h:6379/0?namespace=prod&on_unavailable=open``):

    Args:
        url_or_client: A ``redis://``, ``rediss://`` or ``unix://`` URL, or a ``redis.asyncio.Redis`` client.
        namespace: Prefix of every key (``agentkit:<namespace>:...``); separate apps or environments.
        on_unavailable: ``"closed"`` (default): when Redis cannot be reached a call is refused with
            :class:`~agentkit.exceptions.StoreUnavailableError`. ``"open"``: calls go on with this process's
            local accounting, a :class:`StoreUnavailableEvent` is emitted (and logged at WARNING), and what was
            counted locally is pushed to Redis when it answers again.
        timeout: Seconds any one Redis operation may take (connect included) before it counts as unavailable.
        reservation_ttl: Seconds an admission reservation lives without being settled; a worker that dies
            holding reservations gives their headroom back after this long.
        scope_ttl: Seconds a budget scope's keys live after their last write (``None``: forever). Use it for
            per-run scopes.
        password_env: Name of an environment variable holding the password (keeps it out of URLs and configs).
        max_connections: Connections per process (default 16); concurrent calls wait for one within ``timeout``.
    """

    def __init__(
        self,
        url_or_client: Any,
        *,
        namespace: str | None = None,
        on_unavailable: FailureMode | None = None,
        timeout: float | None = None,
        reservation_ttl: float | None = None,
        scope_ttl: float | None = None,
        password_env: str | None = None,
        max_connections: int | None = None,
    ) -> None:
        """Validate the options (keyword arguments win over the URL's query); nothing connects until first use."""
        self._url: str | None = None  # as given (never shown: it may hold a password)
        self._connect_url: str | None = None  # without agentkit's options
        self._client_given: Any = None
        given: dict[str, Any] = {}
        if isinstance(url_or_client, str):
            parts = urlsplit(url_or_client)
            if parts.scheme not in _SCHEMES:
                raise ConfigurationError(
                    "store",
                    f"unsupported URL scheme {parts.scheme!r} in {redact_store_url(url_or_client)!r}.",
                    "Use redis://host:6379/0, rediss://... (TLS) or unix:///path/to/redis.sock.",
                )
            if REDACTED_MARKERS & set(re.split(r"[:@/]", parts.netloc)):
                raise ConfigurationError(
                    "store",
                    f"{redact_store_url(url_or_client)!r} holds a password masked by dump_component().",
                    "Keep it out of the URL: set the URL option password_env to an environment variable holding it.",
                )
            rest: list[tuple[str, str]] = []
            for key, value in parse_qsl(parts.query, keep_blank_values=True):
                if key in _OPTIONS:
                    given[key] = value
                else:
                    rest.append((key, value))
            self._url = url_or_client
            self._connect_url = urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(rest), parts.fragment))
        elif hasattr(url_or_client, "evalsha") and hasattr(url_or_client, "connection_pool"):
            self._client_given = url_or_client
        else:
            raise ConfigurationError(
                "store",
                f"must be a Redis URL or a redis.asyncio.Redis client, got {type(url_or_client).__name__}.",
                'Pass e.g. "redis://localhost:6379/0".',
            )
        explicit: dict[str, Any] = {
            "namespace": namespace,
            "on_unavailable": on_unavailable,
            "timeout": timeout,
            "reservation_ttl": reservation_ttl,
            "scope_ttl": scope_ttl,
            "password_env": password_env,
            "max_connections": max_connections,
        }
        for name, option in explicit.items():
            if option is not None:
                given[name] = option
        namespace = str(given.get("namespace", "default"))
        if not _NAME.match(namespace) or "{" in namespace or "}" in namespace:
            raise ConfigurationError(
                "namespace", f"must be 1-200 characters without braces or spaces, got {namespace!r}.", 'E.g. "prod".'
            )
        mode = given.get("on_unavailable", "closed")
        if mode not in ("closed", "open"):
            raise ConfigurationError(
                "on_unavailable", f"must be 'closed' or 'open', got {mode!r}.", "Pick one of the two."
            )
        self.namespace = namespace
        self.on_unavailable: FailureMode = mode
        self.timeout = _seconds(given.get("timeout", 1.0), "timeout")
        self.reservation_ttl = _seconds(given.get("reservation_ttl", 60.0), "reservation_ttl")
        ttl = given.get("scope_ttl")
        self.scope_ttl = None if ttl in (None, "", "none") else _seconds(ttl, "scope_ttl")
        self.password_env: str | None = given.get("password_env") or None
        try:
            self.max_connections = int(given.get("max_connections", 16))
        except (TypeError, ValueError):
            self.max_connections = 0
        if self.max_connections < 1:
            raise ConfigurationError(
                "max_connections", f"must be a positive integer, got {given.get('max_connections')!r}.", "E.g. 16."
            )
        self._client: Any = None
        self._client_loop: asyncio.AbstractEventLoop | None = None
        self._slots: asyncio.Semaphore | None = None
        self._shas: dict[str, str] = {}
        self._down: dict[str, bool] = {}
        self.retry_interval = 1.0
        self.round_trips = 0  # commands that reached Redis (a script is one), for benchmarks and tests
        self._retry_at = 0.0
        self._last_error: BaseException | None = None

    # -- identity ------------------------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """The store's URL with credentials masked and agentkit's options in the query (what configs show)."""
        if self._connect_url is not None:
            base = redact_store_url(self._connect_url)
        else:
            kwargs = getattr(getattr(self._client_given, "connection_pool", None), "connection_kwargs", {})
            if kwargs.get("path"):
                base = f"unix://{kwargs['path']}?db={kwargs.get('db', 0)}"
            else:
                auth = f"{_MASK}@" if kwargs.get("password") or kwargs.get("username") else ""
                base = (
                    f"redis://{auth}{kwargs.get('host', 'localhost')}:{kwargs.get('port', 6379)}/{kwargs.get('db', 0)}"
                )
        values: dict[str, Any] = {
            "namespace": self.namespace,
            "on_unavailable": self.on_unavailable,
            "timeout": self.timeout,
            "reservation_ttl": self.reservation_ttl,
            "scope_ttl": self.scope_ttl,
            "password_env": self.password_env,
            "max_connections": self.max_connections,
        }
        defaults: dict[str, Any] = {
            "max_connections": 16,
            "namespace": "default",
            "on_unavailable": "closed",
            "timeout": 1.0,
            "reservation_ttl": 60.0,
        }
        extra = [
            (k, f"{v:g}" if isinstance(v, float) else str(v))
            for k, v in values.items()
            if v is not None and defaults.get(k) != v
        ]
        if not extra:
            return base
        return base + ("&" if "?" in base else "?") + urlencode(extra)

    def key(self, *parts: str) -> str:
        """``agentkit:<namespace>:`` followed by ``parts`` joined with ``:``."""
        return ":".join(("agentkit", self.namespace, *parts))

    # -- connection ------------------------------------------------------------------------------------------------

    def _new_client(self) -> Any:
        try:
            redis_asyncio = importlib.import_module("redis.asyncio")
        except ImportError as exc:
            raise ConfigurationError(
                "store",
                "needs the redis package (redis-py), which is not installed.",
                'Install it with: pip install "autogen-agentkit[redis]".',
            ) from exc
        kwargs: dict[str, Any] = {
            "socket_timeout": self.timeout,
            "socket_connect_timeout": self.timeout,
            "decode_responses": True,
            "retry_on_timeout": False,
        }
        try:  # no client-side retries: a failure must surface within one timeout
            retry_module = importlib.import_module("redis.asyncio.retry")
            backoff_module = importlib.import_module("redis.backoff")
            kwargs["retry"] = retry_module.Retry(backoff_module.NoBackoff(), 0)
        except (ImportError, AttributeError):  # pragma: no cover - very old redis-py
            pass
        if self.password_env:
            password = os.environ.get(self.password_env)
            if password is None:
                raise ConfigurationError(
                    "store?password_env",
                    f"environment variable {self.password_env!r} is not set.",
                    "Set it to the Redis password.",
                )
            kwargs["password"] = password
        # Concurrency is bounded by our semaphore (see run()), so the pool never opens more than max_connections.
        # Not redis-py's BlockingConnectionPool: its asyncio.Condition loses a wake-up when a waiting call is
        # cancelled (Python < 3.13), which can leave every other waiter stuck until its timeout.
        return redis_asyncio.from_url(self._connect_url, **kwargs)

    def client(self) -> Any:
        """The ``redis.asyncio`` client for the running event loop (created on first use)."""
        if self._client_given is not None:
            return self._client_given
        loop = asyncio.get_running_loop()
        if self._client is None or self._client_loop is not loop:
            self._client = self._new_client()
            self._client_loop = loop
            self._slots = asyncio.Semaphore(self.max_connections)
            self._shas.clear()
        return self._client

    async def run(self, operation: str, call: Callable[[Any], Awaitable[T]]) -> T:
        """Run ``call(client)`` within :attr:`timeout`; failures become :class:`StoreUnavailableError`.

        After a failure, operations fail at once (no round trip) for ``retry_interval`` seconds, so an outage
        costs each call nothing more than its local accounting, not a timeout per round trip.
        """
        if self._retry_at and time.monotonic() < self._retry_at:
            raise self._unavailable(operation, self._last_error or ConnectionError("unavailable"))
        try:
            if _HAS_TIMEOUT:  # no extra task per operation (Python >= 3.11)
                async with asyncio.timeout(self.timeout):  # type: ignore[attr-defined,unused-ignore]
                    result = await self._bounded(call)
            else:  # pragma: no cover - Python 3.10
                result = await _within(self.timeout, self._bounded(call))
            self.round_trips += 1
        except ConfigurationError:
            raise
        except (OSError, asyncio.TimeoutError, TimeoutError) as exc:
            raise self._failed(operation, exc) from None
        except Exception as exc:
            if _is_redis_error(exc):
                raise self._failed(operation, exc) from None
            raise
        self._retry_at = 0.0
        return result

    async def _bounded(self, call: Callable[[Any], Awaitable[T]]) -> T:
        client = self.client()
        slots = self._slots
        if slots is None:  # a client passed in: its own pool decides
            return await call(client)
        async with slots:  # at most max_connections operations (hence connections) at once
            return await call(client)

    def _failed(self, operation: str, exc: BaseException) -> StoreUnavailableError:
        self._last_error = exc
        self._retry_at = time.monotonic() + self.retry_interval
        return self._unavailable(operation, exc)

    async def script(self, operation: str, source: str, keys: list[str], args: list[Any]) -> Any:
        """Run a Lua script by SHA (one round trip; loaded once per connection on ``NOSCRIPT``)."""

        async def call(client: Any) -> Any:
            sha = self._shas.get(source)
            if sha is not None:
                try:
                    return await client.evalsha(sha, len(keys), *keys, *args)
                except Exception as exc:
                    if "NOSCRIPT" not in str(exc):
                        raise
            self._shas[source] = await client.script_load(source)
            return await client.evalsha(self._shas[source], len(keys), *keys, *args)

        return await self.run(operation, call)

    def _unavailable(self, operation: str, exc: BaseException) -> StoreUnavailableError:
        detail = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        if isinstance(exc, (asyncio.TimeoutError, TimeoutError)):
            detail = f"no answer within {self.timeout:g}s"
        detail = _scrub(detail, self._url)
        message = f"Redis store {self.url} is unavailable ({detail})"
        if "NOAUTH" in detail or "WRONGPASS" in detail or "invalid username-password" in detail:
            message += "; a config loaded from a dump has no password: set the password_env option"
        return StoreUnavailableError(message, store=self.url, operation=operation, mode=self.on_unavailable)

    def note_down(self, operation: str, error: StoreUnavailableError) -> None:
        """Emit the outage event (and a WARNING once per outage)."""
        first = not self._down.get(operation)
        self._down[operation] = True
        emit(StoreUnavailableEvent(store=self.url, operation=operation, error=str(error), mode=self.on_unavailable))
        if first:
            action = "refusing calls" if self.on_unavailable == "closed" else "counting locally until it returns"
            _log.warning("%s; %s (on_unavailable=%r)", error, action, self.on_unavailable)

    def note_up(self, operation: str, **fields: Any) -> None:
        """Emit the recovery event if ``operation`` had failed before."""
        if self._down.pop(operation, False):
            emit(StoreRecoveredEvent(store=self.url, operation=operation, **fields))
            _log.warning("Redis store %s answers again (%s)", self.url, operation)

    async def ping(self) -> bool:
        """Whether the server answers ``PING`` within the timeout."""
        try:
            return bool(await self.run("ping", lambda c: c.ping()))
        except StoreUnavailableError:
            return False

    async def aclose(self) -> None:
        """Close the connection pool this store created (a client you passed in stays open)."""
        client, self._client = self._client, None
        if client is not None:
            await client.aclose()

    def __repr__(self) -> str:
        return f"RedisStore({self.url!r}, namespace={self.namespace!r}, on_unavailable={self.on_unavailable!r})"


def _seconds(value: Any, field: str) -> float:
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError as exc:
            raise ConfigurationError(
                field, f"must be a number of seconds, got {value!r}.", f"E.g. {field}=30."
            ) from exc
    return to_seconds(value, field=field)


def _is_redis_error(exc: BaseException) -> bool:
    return any(cls.__module__.startswith("redis") and cls.__name__ == "RedisError" for cls in type(exc).__mro__)


def _scrub(text: str, url: str | None) -> str:
    if url:
        password = urlsplit(url).password
        if password:
            text = text.replace(password, _MASK).replace(quote(password, safe=""), _MASK)
    return text


_stores: dict[str, RedisStore] = {}
_stores_lock = threading.Lock()


def resolve_store(value: Any) -> RedisStore:
    """A :class:`RedisStore` for a URL (one per URL and process), a client, or a store given as is."""
    if isinstance(value, RedisStore):
        return value
    if isinstance(value, str):
        with _stores_lock:
            store = _stores.get(value)
            if store is None:
                store = _stores[value] = RedisStore(value)
            return store
    return RedisStore(value)


async def _within(seconds: float, awaitable: Awaitable[T]) -> T:  # pragma: no cover - Python 3.10
    """``asyncio.timeout`` for Python 3.10: cancel the current task at the deadline, in the task itself.

    ``asyncio.wait_for`` runs the awaitable in a second task, and on 3.10 a cancellation that arrives as that
    task finishes can be lost, leaving the caller waiting forever (seen as a rare hang when calls holding
    Redis operations are cancelled together).
    """
    task = asyncio.current_task()
    assert task is not None
    expired = False

    def expire() -> None:
        nonlocal expired
        expired = True
        task.cancel()

    handle = asyncio.get_running_loop().call_later(seconds, expire)
    try:
        return await awaitable
    except asyncio.CancelledError:
        if expired:
            raise asyncio.TimeoutError from None
        raise
    finally:
        handle.cancel()
