import autogen

config_list = autogen.config_list_from_json("OAI_CONFIG_LIST", filter_dict={"model": ["gpt-4o"]})
llm_config = {"config_list": config_list, "cache_seed": None}

host = autogen.AssistantAgent("host", system_message="You host a quiz.", llm_config=llm_config,
                              description="Asks quiz questions.")
player_one = autogen.AssistantAgent("player_one", system_message="You answer quiz questions.", llm_config=llm_config,
                                    description="First player.")
player_two = autogen.AssistantAgent("player_two", system_message="You answer quiz questions.", llm_config=llm_config,
                                    description="Second player.")

groupchat = autogen.GroupChat(
    agents=[host, player_one, player_two],
    messages=[],
    max_round=4,
    send_introductions=True,
    speaker_selection_method="round_robin",
)
manager = autogen.GroupChatManager(groupchat=groupchat, llm_config=llm_config)

host.initiate_chat(manager, message="Question 1: what is the capital of Canada?")
