from typing import Annotated

import autogen

config_list = autogen.config_list_from_json("OAI_CONFIG_LIST", filter_dict={"model": ["gpt-4o"]})

assistant = autogen.AssistantAgent(
    name="assistant",
    system_message="Use the tools to answer. Reply TERMINATE when the task is done.",
    llm_config={"config_list": config_list, "cache_seed": None},
)
user_proxy = autogen.UserProxyAgent(
    name="user_proxy",
    is_termination_msg=lambda x: x.get("content", "") and x.get("content", "").rstrip().endswith("TERMINATE"),
    human_input_mode="NEVER",
    max_consecutive_auto_reply=10,
    code_execution_config=False,
)


def get_weather(city: Annotated[str, "The city name"]) -> str:
    return f"It is sunny and 22 degrees in {city}."


autogen.register_function(
    get_weather,
    caller=assistant,
    executor=user_proxy,
    name="get_weather",
    description="Get the current weather for a city.",
)

user_proxy.initiate_chat(assistant, message="What is the weather in Paris?")
