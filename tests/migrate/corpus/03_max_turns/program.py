import os

from autogen import AssistantAgent, UserProxyAgent, config_list_from_json

config_list = config_list_from_json(env_or_file="OAI_CONFIG_LIST")
llm_config = {"config_list": config_list, "temperature": 0.7}

assistant = AssistantAgent("assistant", llm_config=llm_config)
user_proxy = UserProxyAgent("user_proxy", human_input_mode="NEVER", code_execution_config=False)

chat_result = user_proxy.initiate_chat(
    assistant,
    message="Tell me a joke about data scientists.",
    max_turns=2,
)
print(chat_result.summary)
