"""Run migrated pyautogen v0.2 programs on AutoGen v0.4: v0.2's config loaders and the pieces v0.4 lacks.

``agentkit migrate code`` rewrites v0.2 programs to call these (no pyautogen needed):

- config loaders with v0.2's exact semantics, returning v0.2-shaped lists: :func:`config_list_from_json`,
  :func:`config_list_from_dotenv`, :func:`config_list_openai_aoai`, :func:`config_list_from_models`,
  :func:`config_list_gpt4_gpt35`, :func:`get_config_list`, :func:`filter_config`;
- :func:`client_from_llm_config`: any v0.2 ``llm_config`` value, at run time, to a live v0.4 client (through
  :func:`agentkit.migrate.translate_config`: failover, cache, prices);
- :class:`AutoReplyAgent`: a v0.2 agent with no LLM, no code and no human (it sends ``default_auto_reply``);
- :func:`termination_from_v02`: a v0.2 ``is_termination_msg`` as a team termination condition;
- ``DEFAULT_ASSISTANT_SYSTEM_MESSAGE`` / ``DEFAULT_ASSISTANT_DESCRIPTION`` / ``DEFAULT_USER_PROXY_DESCRIPTIONS``:
  v0.2's default prompts, verbatim;
- :class:`ChatResult`, :func:`chat_result`, :func:`a_chat_result` (also ``reflection_with_llm``),
  :func:`with_carryover`: v0.2's chat results and carryover;
- :func:`transition_candidate_func`, :func:`random_speaker_selector`, :func:`manual_speaker_selector`,
  :func:`speaker_selection_from_v02` (a callable method), :func:`round_robin_order`: v0.2
  speaker-selection methods for ``SelectorGroupChat``;
- :func:`v02_default_executor`: v0.2's default code executor, Docker or local per ``AUTOGEN_USE_DOCKER`` at run time.

Importing this package imports no provider SDK (the client is built on first use).
"""

from __future__ import annotations

from ._agents import AutoReplyAgent, AutoReplyAgentConfig
from ._client import client_from_llm_config, registered_models, registered_price_table
from ._defaults import DEFAULT_ASSISTANT_DESCRIPTION, DEFAULT_ASSISTANT_SYSTEM_MESSAGE, DEFAULT_USER_PROXY_DESCRIPTIONS
from ._executors import v02_default_executor
from ._loaders import (
    DEFAULT_AZURE_API_VERSION,
    config_list_from_dotenv,
    config_list_from_json,
    config_list_from_models,
    config_list_gpt4_gpt35,
    config_list_openai_aoai,
    filter_config,
    get_config_list,
)
from ._results import DEFAULT_SUMMARY_PROMPT, ChatResult, a_chat_result, chat_result, with_carryover
from ._selection import V02GroupChatView, speaker_selection_from_v02
from ._speakers import manual_speaker_selector, random_speaker_selector, round_robin_order, transition_candidate_func
from ._termination import V02Termination, V02TerminationConfig, termination_from_v02, v02_message

__all__ = (
    "DEFAULT_ASSISTANT_DESCRIPTION",
    "DEFAULT_ASSISTANT_SYSTEM_MESSAGE",
    "DEFAULT_AZURE_API_VERSION",
    "DEFAULT_SUMMARY_PROMPT",
    "DEFAULT_USER_PROXY_DESCRIPTIONS",
    "AutoReplyAgent",
    "AutoReplyAgentConfig",
    "ChatResult",
    "V02GroupChatView",
    "V02Termination",
    "V02TerminationConfig",
    "a_chat_result",
    "chat_result",
    "client_from_llm_config",
    "config_list_from_dotenv",
    "config_list_from_json",
    "config_list_from_models",
    "config_list_gpt4_gpt35",
    "config_list_openai_aoai",
    "filter_config",
    "get_config_list",
    "manual_speaker_selector",
    "random_speaker_selector",
    "registered_models",
    "registered_price_table",
    "round_robin_order",
    "speaker_selection_from_v02",
    "termination_from_v02",
    "transition_candidate_func",
    "v02_default_executor",
    "v02_message",
    "with_carryover",
)

for _obj in (
    AutoReplyAgent,
    AutoReplyAgentConfig,
    ChatResult,
    V02GroupChatView,
    V02Termination,
    V02TerminationConfig,
    a_chat_result,
    chat_result,
    client_from_llm_config,
    config_list_from_dotenv,
    config_list_from_json,
    config_list_from_models,
    config_list_gpt4_gpt35,
    config_list_openai_aoai,
    filter_config,
    get_config_list,
    manual_speaker_selector,
    random_speaker_selector,
    registered_models,
    registered_price_table,
    round_robin_order,
    speaker_selection_from_v02,
    termination_from_v02,
    transition_candidate_func,
    v02_default_executor,
    v02_message,
    with_carryover,
):
    _obj.__module__ = __name__
