import autogen

config_list = autogen.config_list_from_json("OAI_CONFIG_LIST", filter_dict={"model": ["gpt-4o"]})

assistant = autogen.AssistantAgent("assistant", llm_config={"config_list": config_list, "cache_seed": None})
# use_docker not given: v0.2 reads AUTOGEN_USE_DOCKER (the run sets it to False, so code runs locally)
user_proxy = autogen.UserProxyAgent(
    "user_proxy",
    human_input_mode="NEVER",
    max_consecutive_auto_reply=3,
    is_termination_msg=lambda x: x.get("content", "").rstrip().endswith("TERMINATE"),
    code_execution_config={"work_dir": "coding"},
)

user_proxy.initiate_chat(assistant, message="Print the current Python version.")
