"""Ask an assistant for a recipe from the command line."""

import autogen


def build_agents(config_list):
    assistant = autogen.AssistantAgent(
        name="chef",
        system_message="You are a chef. Give short recipes. Reply TERMINATE when done.",
        llm_config={"config_list": config_list, "temperature": 0.3, "cache_seed": None},
    )
    user_proxy = autogen.UserProxyAgent(
        name="user_proxy",
        human_input_mode="NEVER",
        max_consecutive_auto_reply=3,
        code_execution_config=False,
        is_termination_msg=lambda x: x.get("content", "").rstrip().endswith("TERMINATE"),
    )
    return assistant, user_proxy


def main():
    config_list = autogen.config_list_from_json(env_or_file="OAI_CONFIG_LIST", file_location=".")
    assistant, user_proxy = build_agents(config_list)
    result = user_proxy.initiate_chat(assistant, message="A 3-step pancake recipe, please.")
    print(result.summary)


if __name__ == "__main__":
    main()
