import autogen

config_list = autogen.config_list_from_json("OAI_CONFIG_LIST", filter_dict={"model": ["gpt-4o"]})
llm_config = {"config_list": config_list, "cache_seed": None}

user_proxy = autogen.UserProxyAgent(
    name="user_proxy",
    human_input_mode="NEVER",
    code_execution_config=False,
    is_termination_msg=lambda x: "TERMINATE" in (x.get("content") or ""),
)
analyst = autogen.AssistantAgent("analyst", system_message="You analyse data.", llm_config=llm_config)
reporter = autogen.AssistantAgent(
    "reporter", system_message="You write the report and end with TERMINATE.", llm_config=llm_config
)

groupchat = autogen.GroupChat(
    agents=[user_proxy, analyst, reporter],
    messages=[],
    max_round=12,
    speaker_selection_method="round_robin",
)
manager = autogen.GroupChatManager(groupchat=groupchat, llm_config=llm_config)

user_proxy.initiate_chat(manager, message="Analyse last quarter's sales: 10, 12, 15 units per month.")
