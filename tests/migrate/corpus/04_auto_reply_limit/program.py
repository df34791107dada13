import autogen

config_list = autogen.config_list_from_json("OAI_CONFIG_LIST", filter_dict={"tags": ["gpt4"]})

assistant = autogen.AssistantAgent(
    name="assistant",
    system_message="You are a helpful assistant who answers in one sentence.",
    llm_config={"config_list": config_list, "cache_seed": None},
)
user_proxy = autogen.UserProxyAgent(
    name="user_proxy",
    human_input_mode="NEVER",
    max_consecutive_auto_reply=2,
    code_execution_config=False,
)

user_proxy.initiate_chat(assistant, message="Explain what a large language model is.")
