import autogen

config_list = autogen.config_list_from_json("OAI_CONFIG_LIST", filter_dict={"model": ["gpt-4o"]})
llm_config = {"config_list": config_list, "cache_seed": None, "temperature": 0}

user_proxy = autogen.UserProxyAgent(
    name="User",
    human_input_mode="NEVER",
    code_execution_config=False,
    description="The user who asks the questions.",
)
researcher = autogen.AssistantAgent(
    name="Researcher",
    system_message="You find facts.",
    description="Finds facts and figures about a topic.",
    llm_config=llm_config,
)
writer = autogen.AssistantAgent(
    name="Writer",
    system_message="You write the final answer. End with TERMINATE.",
    description="Writes the final answer from the facts.",
    llm_config=llm_config,
)

groupchat = autogen.GroupChat(
    agents=[user_proxy, researcher, writer],
    messages=[],
    max_round=8,
    allow_repeat_speaker=False,
)
manager = autogen.GroupChatManager(
    groupchat=groupchat,
    llm_config=llm_config,
    is_termination_msg=lambda x: "TERMINATE" in (x.get("content") or ""),
)

user_proxy.initiate_chat(manager, message="How tall is Mount Everest, and when was it first climbed?")
