import os

import autogen

config_list = [
    {
        "model": "claude-3-5-sonnet-20240620",
        "api_key": os.environ["ANTHROPIC_API_KEY"],
        "api_type": "anthropic",
    }
]

assistant = autogen.AssistantAgent(
    "assistant",
    system_message="You are a helpful assistant. Reply TERMINATE when done.",
    llm_config={"config_list": config_list, "cache_seed": None},
)
user_proxy = autogen.UserProxyAgent(
    "user_proxy",
    human_input_mode="NEVER",
    code_execution_config=False,
    is_termination_msg=lambda x: x.get("content", "") and "TERMINATE" in x["content"],
)

user_proxy.initiate_chat(assistant, message="What is the capital of Australia?")
