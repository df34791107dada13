import os

import autogen

config_list = [
    {
        "model": "gpt-4",
        "api_type": "azure",
        "api_key": os.environ["AZURE_OPENAI_API_KEY"],
        "base_url": os.environ["AZURE_OPENAI_ENDPOINT"],
        "api_version": "2024-02-01",
    }
]

assistant = autogen.AssistantAgent("assistant", llm_config={"config_list": config_list, "cache_seed": None})
user_proxy = autogen.UserProxyAgent(
    "user_proxy",
    human_input_mode="NEVER",
    max_consecutive_auto_reply=2,
    code_execution_config=False,
    is_termination_msg=lambda x: x.get("content", "").rstrip().endswith("TERMINATE"),
)

user_proxy.initiate_chat(assistant, message="Summarise the benefits of unit tests in one sentence.")
