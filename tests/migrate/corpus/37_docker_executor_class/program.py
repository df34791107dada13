from autogen import AssistantAgent, UserProxyAgent, config_list_from_json
from autogen.coding import DockerCommandLineCodeExecutor

config_list = config_list_from_json("OAI_CONFIG_LIST")

executor = DockerCommandLineCodeExecutor(
    image="python:3.12-slim",
    timeout=10,
    work_dir="coding",
)

code_executor_agent = UserProxyAgent(
    "code_executor_agent",
    llm_config=False,
    code_execution_config={"executor": executor},
    human_input_mode="NEVER",
)
code_writer = AssistantAgent("code_writer", llm_config={"config_list": config_list})

chat_result = code_executor_agent.initiate_chat(
    code_writer,
    message="Write Python code to calculate the 14th Fibonacci number.",
    max_turns=3,
)
executor.stop()
