import asyncio

import autogen

config_list = autogen.config_list_from_json("OAI_CONFIG_LIST", filter_dict={"model": ["gpt-4o"]})
llm_config = {"config_list": config_list, "cache_seed": None}

user_proxy = autogen.UserProxyAgent("user_proxy", human_input_mode="NEVER", code_execution_config=False)
chef = autogen.AssistantAgent("chef", system_message="You propose recipes.", llm_config=llm_config)
nutritionist = autogen.AssistantAgent(
    "nutritionist", system_message="You check recipes for nutrition.", llm_config=llm_config
)

groupchat = autogen.GroupChat(
    agents=[user_proxy, chef, nutritionist], messages=[], max_round=4, speaker_selection_method="round_robin"
)
manager = autogen.GroupChatManager(groupchat=groupchat, llm_config=llm_config)


async def main():
    await user_proxy.a_initiate_chat(manager, message="A quick vegetarian dinner idea?")


asyncio.run(main())
