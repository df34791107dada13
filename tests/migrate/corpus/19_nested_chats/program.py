import autogen

config_list = autogen.config_list_from_json("OAI_CONFIG_LIST", filter_dict={"model": ["gpt-4o"]})
llm_config = {"config_list": config_list, "cache_seed": None}

writer = autogen.AssistantAgent(
    name="Writer",
    llm_config=llm_config,
    system_message="You are a professional writer, known for your insightful and engaging articles. "
    "You transform complex concepts into compelling narratives.",
)
critic = autogen.AssistantAgent(
    name="Critic",
    llm_config=llm_config,
    system_message="You are a critic. You review the work of the writer and provide constructive feedback.",
)
seo_reviewer = autogen.AssistantAgent(
    name="SEO_Reviewer",
    llm_config=llm_config,
    system_message="You are an SEO reviewer. Make concise suggestions, within 3 bullet points.",
)


def reflection_message(recipient, messages, sender, config):
    return f"Review the following content.\n\n{recipient.chat_messages_for_summary(sender)[-1]['content']}"


critic.register_nested_chats(
    [{"recipient": seo_reviewer, "message": reflection_message, "summary_method": "last_msg", "max_turns": 1}],
    trigger=writer,
)

res = writer.initiate_chat(
    recipient=critic,
    message="Write a concise but engaging blogpost about DeepLearning.AI.",
    max_turns=2,
    summary_method="last_msg",
)
print(res.summary)
