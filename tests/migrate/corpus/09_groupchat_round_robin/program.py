import autogen

config_list = autogen.config_list_from_json("OAI_CONFIG_LIST", filter_dict={"model": ["gpt-4o"]})
llm_config = {"config_list": config_list, "temperature": 0}

user_proxy = autogen.UserProxyAgent(
    name="user_proxy",
    human_input_mode="NEVER",
    code_execution_config=False,
)
writer = autogen.AssistantAgent(
    name="writer",
    system_message="You write short blog posts.",
    llm_config=llm_config,
)
editor = autogen.AssistantAgent(
    name="editor",
    system_message="You edit blog posts for clarity.",
    llm_config=llm_config,
)

groupchat = autogen.GroupChat(
    agents=[user_proxy, writer, editor],
    messages=[],
    max_round=5,
    speaker_selection_method="round_robin",
)
manager = autogen.GroupChatManager(groupchat=groupchat, llm_config=llm_config)

user_proxy.initiate_chat(manager, message="Write a 3-sentence post about composting.")
