import random

import autogen

random.seed(7)

config_list = autogen.config_list_from_json("OAI_CONFIG_LIST", filter_dict={"model": ["gpt-4o"]})
llm_config = {"config_list": config_list, "cache_seed": None}

alice = autogen.AssistantAgent("alice", system_message="You are Alice, a poet.", llm_config=llm_config)
bob = autogen.AssistantAgent("bob", system_message="You are Bob, a painter.", llm_config=llm_config)
carol = autogen.AssistantAgent("carol", system_message="You are Carol, a musician.", llm_config=llm_config)
user_proxy = autogen.UserProxyAgent("user_proxy", human_input_mode="NEVER", code_execution_config=False)

groupchat = autogen.GroupChat(
    agents=[alice, bob, carol],
    messages=[],
    max_round=5,
    speaker_selection_method="random",
)
manager = autogen.GroupChatManager(groupchat=groupchat, llm_config=llm_config)

user_proxy.initiate_chat(manager, message="Each of you, describe the sea in one sentence.")
