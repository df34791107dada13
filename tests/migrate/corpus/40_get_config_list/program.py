import os

import autogen

api_keys = [os.environ.get("OPENAI_API_KEY", "")]
base_urls = [os.environ.get("OPENAI_BASE_URL")]

config_list = autogen.get_config_list(api_keys, base_urls=base_urls)
for config in config_list:
    config["model"] = "gpt-4o-mini"

assistant = autogen.AssistantAgent("assistant", llm_config={"config_list": config_list, "cache_seed": None})
user_proxy = autogen.UserProxyAgent(
    "user_proxy", human_input_mode="NEVER", code_execution_config=False, max_consecutive_auto_reply=0
)

user_proxy.initiate_chat(assistant, message="Give me one tip for better sleep.")
