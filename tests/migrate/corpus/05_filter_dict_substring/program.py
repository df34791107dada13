import autogen

# filter_dict with a plain string: v0.2 matches it by substring ("gpt-4" is in "gpt-4o")
config_list = autogen.config_list_from_json(
    "OAI_CONFIG_LIST",
    filter_dict={"model": "gpt-4o"},
)

llm_config = {
    "config_list": config_list,
    "temperature": 0,
    "timeout": 120,
}

writer = autogen.AssistantAgent(
    name="writer",
    system_message="You write short product descriptions. Reply TERMINATE when the user is satisfied.",
    llm_config=llm_config,
)
user = autogen.UserProxyAgent(
    name="user",
    human_input_mode="NEVER",
    code_execution_config=False,
    is_termination_msg=lambda msg: "TERMINATE" in msg["content"],
)

user.initiate_chat(writer, message="Describe a waterproof hiking backpack in two sentences.")
