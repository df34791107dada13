import autogen

config_list = autogen.config_list_from_json("OAI_CONFIG_LIST", filter_dict={"model": ["gpt-4o"]})
llm_config = {"config_list": config_list, "cache_seed": 42}

initializer = autogen.UserProxyAgent(name="Init", code_execution_config=False, human_input_mode="NEVER")
planner = autogen.AssistantAgent(
    name="Planner",
    system_message="You make a plan to solve the task.",
    llm_config=llm_config,
)
engineer = autogen.AssistantAgent(
    name="Engineer",
    system_message="You carry out the plan.",
    llm_config=llm_config,
)
critic = autogen.AssistantAgent(
    name="Critic",
    system_message="You check the result.",
    llm_config=llm_config,
)


def state_transition(last_speaker, groupchat):
    messages = groupchat.messages

    if last_speaker is initializer:
        return planner
    elif last_speaker is planner:
        return engineer
    elif last_speaker is engineer:
        return critic
    elif last_speaker is critic:
        if "approved" in messages[-1]["content"].lower():
            return None
        return engineer


groupchat = autogen.GroupChat(
    agents=[initializer, planner, engineer, critic],
    messages=[],
    max_round=10,
    speaker_selection_method=state_transition,
)
manager = autogen.GroupChatManager(groupchat=groupchat, llm_config=llm_config)

initializer.initiate_chat(manager, message="Compute the 10th Fibonacci number.")
