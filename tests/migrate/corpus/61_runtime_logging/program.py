import autogen
from autogen import runtime_logging

config_list = autogen.config_list_from_json("OAI_CONFIG_LIST", filter_dict={"model": ["gpt-4o"]})

logging_session_id = runtime_logging.start(config={"dbname": "logs.db"})
print("Logging session ID: " + str(logging_session_id))

assistant = autogen.AssistantAgent(
    name="assistant", llm_config={"config_list": config_list, "temperature": 0.9, "cache_seed": None}
)
user_proxy = autogen.UserProxyAgent(
    name="user_proxy",
    code_execution_config=False,
    human_input_mode="NEVER",
    is_termination_msg=lambda msg: "TERMINATE" in msg["content"],
)

user_proxy.initiate_chat(assistant, message="What is the height of the Eiffel Tower? Only respond with the answer and terminate")
runtime_logging.stop()
