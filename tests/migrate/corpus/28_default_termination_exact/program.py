from autogen import AssistantAgent, UserProxyAgent, config_list_from_json

config_list = config_list_from_json("OAI_CONFIG_LIST", filter_dict={"model": ["gpt-4o"]})

assistant = AssistantAgent("assistant", llm_config={"config_list": config_list, "cache_seed": None})
# no is_termination_msg: v0.2's default matches a message that is exactly "TERMINATE"
user_proxy = UserProxyAgent("user_proxy", human_input_mode="NEVER", code_execution_config=False)

user_proxy.initiate_chat(assistant, message="What is the square root of 144?")
