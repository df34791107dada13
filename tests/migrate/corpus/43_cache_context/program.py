from autogen import AssistantAgent, Cache, UserProxyAgent, config_list_from_json

config_list = config_list_from_json("OAI_CONFIG_LIST", filter_dict={"model": ["gpt-4o"]})

assistant = AssistantAgent("assistant", llm_config={"config_list": config_list})
user_proxy = UserProxyAgent(
    "user_proxy",
    human_input_mode="NEVER",
    code_execution_config=False,
    is_termination_msg=lambda x: x.get("content", "").rstrip().endswith("TERMINATE"),
)

with Cache.disk(cache_seed=43) as cache:
    user_proxy.initiate_chat(assistant, message="Name a prime number above 100.", cache=cache)
