"""The four contenders, each configured as its own documentation recommends for failover.

* ``bare`` — autogen-ext's ``OpenAIChatCompletionClient`` on the primary only, as shipped (the openai SDK's
  default ``max_retries=2``), with ``timeout=attempt_timeout``. The baseline every ratio is taken against.
* ``agentkit`` — ``agentkit.models.FailoverChatCompletionClient`` over two ``OpenAIChatCompletionClient``
  members (``max_retries=0`` on each member: the failover client owns retries).
* ``litellm`` — ``litellm.Router`` with a ``fallbacks`` chain (and the context-window / content-policy
  fallback lists), ``num_retries=2``, cooldowns on (``allowed_fails=3``, ``cooldown_time=5``), per-deployment
  ``timeout`` and ``stream_timeout``. The router is the only retry loop (it sets the SDK's ``max_retries=0``).
* ``pydantic-ai`` — ``FallbackModel`` over two ``OpenAIChatModel``s whose ``AsyncOpenAI`` clients have
  ``max_retries=0`` (its docs: disable SDK retries so fallback is immediate), ``timeout`` per attempt and
  ``first_event_timeout`` for streams, called through ``pydantic_ai.direct``.

Every contender answers one question per call (``ask``) and returns the text it got, or raises.
"""

from __future__ import annotations

import os
from typing import Any, Protocol

from .scenarios import FALLBACK_MODEL, PRIMARY_MODEL, Knobs

__all__ = ("CONTENDERS", "NOISE_FLOOR", "Contender", "Endpoints", "Session")

FAKE_KEY = "sk-fake-benchmark-key"
PROMPT = "Say something about foxes."


class Endpoints:
    """Where the primary and the fallback live (OpenAI-compatible base URLs ending in ``/v1``)."""

    def __init__(self, primary_url: str, fallback_url: str) -> None:
        self.primary_url = primary_url
        self.fallback_url = fallback_url


class Session(Protocol):
    """One configured client instance (fresh per scenario round, so no state leaks between rounds)."""

    async def ask(self, stream: bool) -> str:
        """Ask the benchmark question; return the answer text or raise."""
        ...

    async def aclose(self) -> None:
        """Release connections."""
        ...


class Contender(Protocol):
    """A failover implementation under test."""

    name: str
    label: str
    config: str

    def open(self, endpoints: Endpoints, knobs: Knobs) -> Session:
        """Build a fresh session against ``endpoints``."""
        ...


def _model_info() -> Any:
    from autogen_core.models import ModelFamily, ModelInfo

    return ModelInfo(
        vision=False, function_calling=True, json_output=True, structured_output=True, family=ModelFamily.UNKNOWN
    )


def _autogen_client(model: str, base_url: str, timeout: float, max_retries: int | None) -> Any:
    from autogen_ext.models.openai import OpenAIChatCompletionClient

    kwargs: dict[str, Any] = {}
    if max_retries is not None:
        kwargs["max_retries"] = max_retries
    return OpenAIChatCompletionClient(
        model=model, base_url=base_url, api_key=FAKE_KEY, timeout=timeout, model_info=_model_info(), **kwargs
    )


class _AutogenSession:
    def __init__(self, client: Any) -> None:
        from autogen_core.models import UserMessage

        self._client = client
        self._messages = [UserMessage(content=PROMPT, source="user")]

    async def ask(self, stream: bool) -> str:
        from autogen_core.models import CreateResult

        result: CreateResult | None = None
        chunks: list[str] = []
        if stream:
            async for item in self._client.create_stream(self._messages):
                if isinstance(item, CreateResult):
                    result = item
                else:
                    chunks.append(item)
        else:
            result = await self._client.create(self._messages)
        if result is None:
            raise RuntimeError("stream ended without a CreateResult")
        content = result.content
        if not isinstance(content, str):
            raise TypeError(f"expected text, got {type(content).__name__}")
        if stream and "".join(chunks) != content:
            return "".join(chunks)  # what a UI showed (e.g. text repeated by a restart): judged, not the result
        return content

    async def aclose(self) -> None:
        await self._client.close()


class BareAutogen:
    """autogen-ext's OpenAI client on the primary only, SDK defaults."""

    name = "bare"
    label = "autogen-ext OpenAI client (bare)"
    config = "OpenAIChatCompletionClient(primary, timeout=attempt_timeout); openai SDK default max_retries=2"

    def open(self, endpoints: Endpoints, knobs: Knobs) -> Session:
        return _AutogenSession(_autogen_client(PRIMARY_MODEL, endpoints.primary_url, knobs.attempt_timeout, None))


class BareAutogenAgain(BareAutogen):
    """A second, identical bare client, measured only on the happy path: its ratio to ``bare`` is the noise floor."""

    name = "bare-again"
    label = "bare again (noise floor)"
    config = "A second instance of the bare client, interleaved like the others: shows the run's noise floor"


class AgentkitFailover:
    """agentkit's FailoverChatCompletionClient over two autogen-ext OpenAI clients."""

    name = "agentkit"
    label = "agentkit FailoverChatCompletionClient"
    config = (
        "FailoverChatCompletionClient([primary, FailoverMember(fallback, prefill=True)], attempt_timeout, "
        "first_token_timeout, stream_idle_timeout); members max_retries=0; defaults for everything else"
    )

    max_attempts = 3  # the client's default

    def open(self, endpoints: Endpoints, knobs: Knobs) -> Session:
        from agentkit.models import FailoverChatCompletionClient, FailoverMember

        members = [
            _autogen_client(PRIMARY_MODEL, endpoints.primary_url, knobs.attempt_timeout, 0),
            # The fallback continues a final assistant message (see Scenario.arm), which agentkit is told.
            FailoverMember(
                _autogen_client(FALLBACK_MODEL, endpoints.fallback_url, knobs.attempt_timeout, 0), prefill=True
            ),
        ]
        client = FailoverChatCompletionClient(
            members,
            attempt_timeout=knobs.attempt_timeout,
            first_token_timeout=knobs.first_token_timeout,
            stream_idle_timeout=knobs.stream_idle_timeout,
            max_attempts=self.max_attempts,
        )
        return _AutogenSession(client)


class AgentkitFailoverFast(AgentkitFailover):
    """The same client tuned for latency: no retry on the same member, straight to the next one."""

    name = "agentkit-fast"
    label = "agentkit, max_attempts=1"
    config = (
        "As agentkit, plus max_attempts=1: a transient error (429, 5xx) fails over at once instead of being "
        "retried on the same member with backoff (the default, as the Failover issue specifies)"
    )
    max_attempts = 1


class _LiteLLMSession:
    def __init__(self, router: Any) -> None:
        self._router = router
        self._messages = [{"role": "user", "content": PROMPT}]

    async def ask(self, stream: bool) -> str:
        if stream:
            response = await self._router.acompletion(model="primary", messages=self._messages, stream=True)
            parts: list[str] = []
            async for chunk in response:
                if chunk.choices and chunk.choices[0].delta.content:
                    parts.append(chunk.choices[0].delta.content)
            return "".join(parts)
        response = await self._router.acompletion(model="primary", messages=self._messages)
        return str(response.choices[0].message.content or "")

    async def aclose(self) -> None:
        return None


class LiteLLMRouter:
    """litellm.Router with fallbacks, retries and cooldowns."""

    name = "litellm"
    label = "LiteLLM Router"
    config = (
        "Router(fallbacks, context_window_fallbacks, content_policy_fallbacks: primary->fallback; num_retries=2, "
        "allowed_fails=3, cooldown_time=5; per deployment timeout=attempt_timeout, stream_timeout=first_token_timeout)"
    )

    def open(self, endpoints: Endpoints, knobs: Knobs) -> Session:
        os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
        import litellm
        from litellm.router import Router

        litellm.telemetry = False
        litellm.suppress_debug_info = True

        def deployment(group: str, model: str, url: str) -> dict[str, Any]:
            return {
                "model_name": group,
                "litellm_params": {
                    "model": f"openai/{model}",
                    "api_base": url,
                    "api_key": FAKE_KEY,
                    "timeout": knobs.attempt_timeout,
                    "stream_timeout": knobs.first_token_timeout,
                },
            }

        chain = [{"primary": ["fallback"]}]
        router = Router(
            model_list=[
                deployment("primary", PRIMARY_MODEL, endpoints.primary_url),
                deployment("fallback", FALLBACK_MODEL, endpoints.fallback_url),
            ],
            fallbacks=chain,
            context_window_fallbacks=chain,
            content_policy_fallbacks=chain,
            num_retries=2,
            allowed_fails=3,
            cooldown_time=5,
        )
        return _LiteLLMSession(router)


class _PydanticAISession:
    def __init__(self, model: Any, clients: list[Any], knobs: Knobs) -> None:
        from pydantic_ai import ModelRequest

        self._model = model
        self._clients = clients
        self._knobs = knobs
        self._messages = [ModelRequest.user_text_prompt(PROMPT)]

    async def ask(self, stream: bool) -> str:
        from pydantic_ai.direct import model_request, model_request_stream
        from pydantic_ai.messages import TextPart
        from pydantic_ai.settings import ModelSettings

        if stream:
            settings = ModelSettings(
                timeout=self._knobs.attempt_timeout, first_event_timeout=self._knobs.first_token_timeout
            )
            async with model_request_stream(self._model, self._messages, model_settings=settings) as response:
                async for _event in response:
                    pass
                result = response.get()
        else:
            result = await model_request(
                self._model, self._messages, model_settings=ModelSettings(timeout=self._knobs.attempt_timeout)
            )
        return "".join(part.content for part in result.parts if isinstance(part, TextPart))

    async def aclose(self) -> None:
        for client in self._clients:
            await client.close()


class PydanticAIFallback:
    """pydantic-ai's FallbackModel over two OpenAIChatModels."""

    name = "pydantic-ai"
    label = "pydantic-ai FallbackModel"
    config = (
        "FallbackModel(primary, fallback) (default fallback_on=ModelAPIError); AsyncOpenAI max_retries=0; "
        "settings timeout=attempt_timeout, first_event_timeout=first_token_timeout (streams)"
    )

    def open(self, endpoints: Endpoints, knobs: Knobs) -> Session:
        from openai import AsyncOpenAI
        from pydantic_ai.models.fallback import FallbackModel
        from pydantic_ai.models.openai import OpenAIChatModel
        from pydantic_ai.providers.openai import OpenAIProvider

        clients = [
            AsyncOpenAI(base_url=url, api_key=FAKE_KEY, max_retries=0, timeout=knobs.attempt_timeout)
            for url in (endpoints.primary_url, endpoints.fallback_url)
        ]
        primary = OpenAIChatModel(PRIMARY_MODEL, provider=OpenAIProvider(openai_client=clients[0]))
        fallback = OpenAIChatModel(FALLBACK_MODEL, provider=OpenAIProvider(openai_client=clients[1]))
        return _PydanticAISession(FallbackModel(primary, fallback), clients, knobs)


CONTENDERS: tuple[Contender, ...] = (
    BareAutogen(),
    AgentkitFailover(),
    AgentkitFailoverFast(),
    LiteLLMRouter(),
    PydanticAIFallback(),
)
NOISE_FLOOR: Contender = BareAutogenAgain()
