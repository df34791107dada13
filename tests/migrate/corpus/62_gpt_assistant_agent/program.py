import autogen
from autogen import UserProxyAgent
from autogen.agentchat.contrib.gpt_assistant_agent import GPTAssistantAgent

config_list = autogen.config_list_from_json("OAI_CONFIG_LIST")

assistant_config = {"tools": [{"type": "code_interpreter"}]}

gpt_assistant = GPTAssistantAgent(
    name="Coder Assistant",
    llm_config={"config_list": config_list},
    assistant_config=assistant_config,
    instructions="You are an expert at solving math questions. Write code and run it to solve math problems. "
    "Reply TERMINATE when the task is solved and there is no problem.",
)

user_proxy = UserProxyAgent(
    name="user_proxy",
    is_termination_msg=lambda msg: "TERMINATE" in msg["content"],
    code_execution_config=False,
    human_input_mode="NEVER",
)

user_proxy.initiate_chat(gpt_assistant, message="If $725x + 727y = 1500$ and $729x+ 731y = 1508$, what is $x - y$?")
gpt_assistant.delete_assistant()
