import autogen

# OAI_CONFIG_LIST is an environment variable holding the JSON list
config_list = autogen.config_list_from_json(env_or_file="OAI_CONFIG_LIST", filter_dict={"model": ["gpt-4o-mini"]})

assistant = autogen.AssistantAgent("assistant", llm_config={"config_list": config_list, "seed": 42})
user_proxy = autogen.UserProxyAgent(
    "user_proxy",
    human_input_mode="NEVER",
    max_consecutive_auto_reply=3,
    code_execution_config=False,
    is_termination_msg=lambda x: x.get("content") is not None and "TERMINATE" in x["content"],
)

user_proxy.initiate_chat(assistant, message="Give me a haiku about autumn rain.")
