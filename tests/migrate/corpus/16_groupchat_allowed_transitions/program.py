import autogen

config_list = autogen.config_list_from_json("OAI_CONFIG_LIST", filter_dict={"model": ["gpt-4o"]})
llm_config = {"config_list": config_list, "cache_seed": None}

user_proxy = autogen.UserProxyAgent("user_proxy", human_input_mode="NEVER", code_execution_config=False)
planner = autogen.AssistantAgent("planner", system_message="You plan.", llm_config=llm_config)
engineer = autogen.AssistantAgent("engineer", system_message="You implement.", llm_config=llm_config)
reviewer = autogen.AssistantAgent("reviewer", system_message="You review.", llm_config=llm_config)

allowed_transitions = {
    user_proxy: [planner],
    planner: [engineer],
    engineer: [reviewer],
    reviewer: [planner],
}

groupchat = autogen.GroupChat(
    agents=[user_proxy, planner, engineer, reviewer],
    allowed_or_disallowed_speaker_transitions=allowed_transitions,
    speaker_transitions_type="allowed",
    messages=[],
    max_round=6,
)
manager = autogen.GroupChatManager(groupchat=groupchat, llm_config=llm_config)

user_proxy.initiate_chat(manager, message="Build a CLI that counts words in a file.")
