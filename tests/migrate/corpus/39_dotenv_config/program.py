import autogen

config_list = autogen.config_list_from_dotenv(
    dotenv_file_path=".env",
    model_api_key_map={
        "gpt-4o": {
            "api_key_env_var": "OPENAI_API_KEY",
            "base_url": "OPENAI_BASE_URL",
        },
    },
    filter_dict={"model": {"gpt-4o"}},
)

assistant = autogen.AssistantAgent("assistant", llm_config={"config_list": config_list, "cache_seed": None})
user_proxy = autogen.UserProxyAgent(
    "user_proxy",
    human_input_mode="NEVER",
    code_execution_config=False,
    is_termination_msg=lambda x: x.get("content") and "TERMINATE" in x["content"],
)

user_proxy.initiate_chat(assistant, message="Translate 'good morning' to Spanish.")
