import autogen

config_list = autogen.config_list_from_json("OAI_CONFIG_LIST", filter_dict={"model": ["gpt-4o"]})
llm_config = {"config_list": config_list, "cache_seed": None}

teacher = autogen.AssistantAgent("teacher", system_message="You are a teacher. You ask questions.", llm_config=llm_config)
student_a = autogen.AssistantAgent("student_a", system_message="You are student A.", llm_config=llm_config)
student_b = autogen.AssistantAgent("student_b", system_message="You are student B.", llm_config=llm_config)

# students may not talk to each other directly
disallowed = {
    student_a: [student_b],
    student_b: [student_a],
}

groupchat = autogen.GroupChat(
    agents=[teacher, student_a, student_b],
    messages=[],
    max_round=5,
    allowed_or_disallowed_speaker_transitions=disallowed,
    speaker_transitions_type="disallowed",
)
manager = autogen.GroupChatManager(groupchat=groupchat, llm_config=llm_config)

teacher.initiate_chat(manager, message="Today's topic: photosynthesis. Who can explain it?")
