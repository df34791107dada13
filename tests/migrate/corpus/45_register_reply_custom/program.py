import autogen

config_list = autogen.config_list_from_json("OAI_CONFIG_LIST", filter_dict={"model": ["gpt-4o"]})

assistant = autogen.AssistantAgent("assistant", llm_config={"config_list": config_list, "cache_seed": None})
counter = autogen.ConversableAgent("counter", llm_config=False, human_input_mode="NEVER")


def count_words(recipient, messages=None, sender=None, config=None):
    last = messages[-1]["content"] if messages else ""
    return True, f"Your message had {len(last.split())} words."


counter.register_reply([autogen.Agent, None], count_words)

counter.initiate_chat(assistant, message="Hello there, assistant.", max_turns=2)
