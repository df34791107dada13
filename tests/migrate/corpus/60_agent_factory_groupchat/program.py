import autogen

config_list = autogen.config_list_from_json("OAI_CONFIG_LIST", filter_dict={"model": ["gpt-4o"]})
llm_config = {"config_list": config_list, "cache_seed": None, "temperature": 0}

ROLES = {
    "historian": "You know history. Answer in one sentence.",
    "economist": "You know economics. Answer in one sentence.",
    "moderator": "You moderate the debate and close it with TERMINATE.",
}


def make_agent(name, prompt):
    return autogen.AssistantAgent(name=name, system_message=prompt, llm_config=llm_config)


agents = [make_agent(name, prompt) for name, prompt in ROLES.items()]
user = autogen.UserProxyAgent("user", human_input_mode="NEVER", code_execution_config=False)

groupchat = autogen.GroupChat(agents=[user] + agents, messages=[], max_round=6, speaker_selection_method="round_robin")
manager = autogen.GroupChatManager(
    groupchat=groupchat,
    llm_config=llm_config,
    is_termination_msg=lambda m: "TERMINATE" in (m.get("content") or ""),
)

user.initiate_chat(manager, message="Why did the Roman economy decline?")
