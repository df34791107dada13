import os

from autogen import AssistantAgent, UserProxyAgent

# a local OpenAI-compatible server (Ollama, LM Studio, vLLM...)
local_llm_config = {
    "config_list": [
        {
            "model": "llama3",
            "api_key": "NotRequired",
            "base_url": os.environ.get("LOCAL_LLM_URL", "http://localhost:11434/v1"),
            "price": [0, 0],
        }
    ],
    "cache_seed": None,
}

assistant = AssistantAgent("assistant", llm_config=local_llm_config)
user_proxy = UserProxyAgent(
    "user_proxy",
    human_input_mode="NEVER",
    code_execution_config=False,
    max_consecutive_auto_reply=1,
)

chat = user_proxy.initiate_chat(assistant, message="Say hello in French.")
print(chat.cost)
