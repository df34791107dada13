import autogen

config_list = autogen.config_list_from_models(
    key_file_path=".",
    exclude="aoai",
    model_list=["gpt-4o"],
)

assistant = autogen.AssistantAgent("assistant", llm_config={"config_list": config_list, "cache_seed": None})
user_proxy = autogen.UserProxyAgent(
    "user_proxy",
    human_input_mode="NEVER",
    code_execution_config=False,
    is_termination_msg=lambda x: "TERMINATE" in (x.get("content") or ""),
)

user_proxy.initiate_chat(assistant, message="What does HTTP stand for?")
