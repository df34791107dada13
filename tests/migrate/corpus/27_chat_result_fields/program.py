import autogen

config_list = autogen.config_list_from_json("OAI_CONFIG_LIST", filter_dict={"model": ["gpt-4o"]})

assistant = autogen.AssistantAgent(
    "assistant",
    llm_config={"config_list": config_list, "temperature": 0, "cache_seed": None},
)
user_proxy = autogen.UserProxyAgent(
    "user_proxy",
    human_input_mode="NEVER",
    code_execution_config=False,
    max_consecutive_auto_reply=1,
)

chat_result = user_proxy.initiate_chat(assistant, message="What is 2 + 2?", max_turns=1)

print("summary:", chat_result.summary)
print("messages:", len(chat_result.chat_history))
for message in chat_result.chat_history:
    print(message["role"], ":", message["content"])
print("cost:", chat_result.cost)
