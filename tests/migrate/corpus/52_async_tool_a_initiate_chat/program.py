import asyncio
from typing import Annotated

import autogen

config_list = autogen.config_list_from_json("OAI_CONFIG_LIST", filter_dict={"model": ["gpt-4o"]})

assistant = autogen.AssistantAgent(
    name="assistant",
    system_message="Use the timer tool when asked. Reply TERMINATE when done.",
    llm_config={"config_list": config_list, "cache_seed": None},
)
user_proxy = autogen.UserProxyAgent(
    name="user_proxy",
    human_input_mode="NEVER",
    code_execution_config=False,
    is_termination_msg=lambda x: x.get("content", "") and x.get("content", "").rstrip().endswith("TERMINATE"),
)


@user_proxy.register_for_execution()
@assistant.register_for_llm(description="Wait for some seconds, then report.")
async def timer(num_seconds: Annotated[str, "Number of seconds in the timer."]) -> str:
    await asyncio.sleep(0)
    return "Timer is done!"


async def main():
    await user_proxy.a_initiate_chat(assistant, message="Create a timer for 1 second.")


asyncio.run(main())
