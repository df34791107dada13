import autogen

config_list = autogen.config_list_from_json("OAI_CONFIG_LIST", filter_dict={"model": ["gpt-4o"]})

assistant = autogen.AssistantAgent(
    "assistant",
    llm_config={"config_list": config_list, "cache_seed": None},
    max_consecutive_auto_reply=2,
)
user_proxy = autogen.UserProxyAgent(
    "user_proxy",
    human_input_mode="NEVER",
    code_execution_config=False,
    default_auto_reply="Please continue.",
)

user_proxy.initiate_chat(assistant, message="Tell me a story about a lighthouse, one sentence at a time.")
