import asyncio

import autogen

config_list = autogen.config_list_from_json("OAI_CONFIG_LIST", filter_dict={"model": ["gpt-4o"]})

assistant = autogen.AssistantAgent("assistant", llm_config={"config_list": config_list, "cache_seed": None})
user_proxy = autogen.UserProxyAgent(
    "user_proxy",
    human_input_mode="NEVER",
    max_consecutive_auto_reply=4,
    code_execution_config=False,
)


async def main():
    await user_proxy.a_initiate_chat(assistant, message="Brainstorm names for a robot dog.")


asyncio.run(main())
