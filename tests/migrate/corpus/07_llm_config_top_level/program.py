from autogen import AssistantAgent, UserProxyAgent, config_list_from_json

config_list = config_list_from_json(
    "OAI_CONFIG_LIST",
    filter_dict={
        "model": ["gpt-4", "gpt-4-0314", "gpt4", "gpt-4-32k"],
    },
)

llm_config = {
    "cache_seed": 42,
    "temperature": 0,
    "config_list": config_list,
    "timeout": 120,
    "max_tokens": 512,
}

planner = AssistantAgent(
    name="planner",
    system_message="You are a travel planner. Suggest a plan, then say TERMINATE.",
    llm_config=llm_config,
)
traveller = UserProxyAgent(
    name="traveller",
    human_input_mode="NEVER",
    code_execution_config=False,
    is_termination_msg=lambda x: x.get("content", "").rstrip().endswith("TERMINATE"),
)

traveller.initiate_chat(planner, message="Plan a 2-day trip to Lisbon.")
