import autogen

config_list = autogen.config_list_from_json("OAI_CONFIG_LIST", filter_dict={"model": ["gpt-4o"]})
llm_config = {"config_list": config_list, "cache_seed": None}

student = autogen.AssistantAgent(
    name="student",
    system_message="You are a student learning French. Say DONE when you have learned three words.",
    llm_config=llm_config,
    is_termination_msg=lambda msg: "DONE" in msg["content"],
)
tutor = autogen.AssistantAgent(
    name="tutor",
    system_message="You are a French tutor. Teach one word per message.",
    llm_config=llm_config,
    is_termination_msg=lambda msg: "DONE" in msg["content"],
)

student.initiate_chat(tutor, message="Teach me some French words please.")
