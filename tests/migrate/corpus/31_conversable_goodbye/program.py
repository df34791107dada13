import os

from autogen import ConversableAgent

llm_config = {"config_list": [{"model": "gpt-4", "api_key": os.environ["OPENAI_API_KEY"]}]}

cathy = ConversableAgent(
    name="cathy",
    system_message="Your name is Cathy and you are a part of a duo of comedians.",
    llm_config=llm_config,
    human_input_mode="NEVER",
)

joe = ConversableAgent(
    name="joe",
    system_message="Your name is Joe and you are a part of a duo of comedians. When you're ready to end the "
    "conversation, say 'I gotta go'.",
    llm_config=llm_config,
    human_input_mode="NEVER",
    is_termination_msg=lambda msg: "good bye" in msg["content"].lower() or "gotta go" in msg["content"].lower(),
)

result = joe.initiate_chat(recipient=cathy, message="Cathy, tell me a joke and then say the words GOOD BYE.")
