import autogen

config_list = autogen.config_list_from_json("OAI_CONFIG_LIST", filter_dict={"model": ["gpt-4o"]})
llm_config = {"config_list": config_list, "cache_seed": None}

writer = autogen.AssistantAgent(
    name="writer",
    system_message="You write slogans. When the critic approves, reply with the final slogan and TERMINATE.",
    llm_config=llm_config,
)
critic = autogen.AssistantAgent(
    name="critic",
    system_message="You critique slogans. Say APPROVED when it is good.",
    llm_config=llm_config,
)

groupchat = autogen.GroupChat(agents=[writer, critic], messages=[], max_round=10, speaker_selection_method="round_robin")
manager = autogen.GroupChatManager(
    groupchat=groupchat,
    llm_config=llm_config,
    is_termination_msg=lambda msg: "TERMINATE" in msg["content"],
)

writer.initiate_chat(manager, message="Write a slogan for a bakery.")
