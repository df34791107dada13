import autogen

config_list = autogen.config_list_from_json("OAI_CONFIG_LIST", filter_dict={"model": ["gpt-4o"]})
llm_config = {"config_list": config_list}

user_proxy = autogen.UserProxyAgent(
    name="Admin",
    system_message="A human admin.",
    human_input_mode="NEVER",
    code_execution_config=False,
)
planner = autogen.AssistantAgent(name="Planner", system_message="You plan the work.", llm_config=llm_config)
scientist = autogen.AssistantAgent(name="Scientist", system_message="You do the research.", llm_config=llm_config)

groupchat = autogen.GroupChat(
    agents=[user_proxy, planner, scientist],
    messages=[],
    max_round=4,
    speaker_selection_method="manual",
)
manager = autogen.GroupChatManager(groupchat=groupchat, llm_config=llm_config)
user_proxy.initiate_chat(manager, message="Find papers about LLM agents from last year.")
