import autogen

config_list = autogen.config_list_from_json("OAI_CONFIG_LIST")
gpt4_configs = autogen.filter_config(config_list, {"tags": ["gpt4"]})

assistant = autogen.AssistantAgent(
    "assistant",
    system_message="You are a concise assistant.",
    llm_config={"config_list": gpt4_configs, "cache_seed": None, "temperature": 0.2},
)
user_proxy = autogen.UserProxyAgent(
    "user_proxy",
    human_input_mode="NEVER",
    code_execution_config=False,
    max_consecutive_auto_reply=1,
)

user_proxy.initiate_chat(assistant, message="Explain recursion in one sentence.")
