import tempfile

from autogen import ConversableAgent, config_list_from_json
from autogen.coding import LocalCommandLineCodeExecutor

config_list = config_list_from_json("OAI_CONFIG_LIST", filter_dict={"model": ["gpt-4o"]})

temp_dir = tempfile.TemporaryDirectory()
executor = LocalCommandLineCodeExecutor(
    timeout=10,
    work_dir=temp_dir.name,
)

code_executor_agent = ConversableAgent(
    "code_executor_agent",
    llm_config=False,
    code_execution_config={"executor": executor},
    human_input_mode="NEVER",
)

code_writer_agent = ConversableAgent(
    "code_writer_agent",
    system_message="You write Python code in ```python blocks to solve tasks. Reply 'TERMINATE' when done.",
    llm_config={"config_list": config_list},
    code_execution_config=False,
)

chat_result = code_executor_agent.initiate_chat(
    code_writer_agent,
    message="Write Python code to calculate the 14th Fibonacci number.",
    max_turns=2,
)
