from typing import Annotated

import autogen

config_list = autogen.config_list_from_json("OAI_CONFIG_LIST", filter_dict={"model": ["gpt-4o"]})
llm_config = {"config_list": config_list, "cache_seed": None}

user_proxy = autogen.UserProxyAgent(
    name="user_proxy",
    human_input_mode="NEVER",
    code_execution_config=False,
)
weather_agent = autogen.AssistantAgent(
    name="weather_agent",
    system_message="You answer weather questions with the get_weather tool.",
    llm_config=llm_config,
)
writer = autogen.AssistantAgent(
    name="writer",
    system_message="You turn facts into a friendly sentence and end with TERMINATE.",
    llm_config=llm_config,
)


def get_weather(city: Annotated[str, "City name"]) -> str:
    return f"{city}: 18 degrees and cloudy"


autogen.register_function(get_weather, caller=weather_agent, executor=user_proxy, description="Weather for a city.")

groupchat = autogen.GroupChat(agents=[user_proxy, weather_agent, writer], messages=[], max_round=6)
manager = autogen.GroupChatManager(
    groupchat=groupchat,
    llm_config=llm_config,
    is_termination_msg=lambda x: "TERMINATE" in (x.get("content") or ""),
)

user_proxy.initiate_chat(manager, message="What's the weather in Oslo? Write it up nicely.")
