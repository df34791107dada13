import autogen

config_list = autogen.config_list_from_json("OAI_CONFIG_LIST", filter_dict={"model": ["gpt-4o"]})

assistant = autogen.AssistantAgent(
    name="assistant",
    system_message="You write short poems.",
    llm_config={"config_list": config_list, "cache_seed": None},
)
# human_input_mode defaults to "ALWAYS": the user gives feedback every turn and types "exit" to stop
user_proxy = autogen.UserProxyAgent(name="user_proxy", code_execution_config=False)

user_proxy.initiate_chat(assistant, message="Write a two-line poem about rain.")
