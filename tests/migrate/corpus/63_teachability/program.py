import autogen
from autogen import ConversableAgent, UserProxyAgent
from autogen.agentchat.contrib.capabilities.teachability import Teachability

config_list = autogen.config_list_from_json("OAI_CONFIG_LIST", filter_dict={"model": ["gpt-4o"]})
llm_config = {"config_list": config_list, "timeout": 120, "cache_seed": None}

teachable_agent = ConversableAgent(
    name="teachable_agent",
    llm_config=llm_config,
)

teachability = Teachability(
    verbosity=0,
    reset_db=True,
    path_to_db_dir="./tmp/notebook/teachability_db",
    recall_threshold=1.5,
)
teachability.add_to_agent(teachable_agent)

user = UserProxyAgent(
    name="user",
    human_input_mode="NEVER",
    is_termination_msg=lambda x: True if "TERMINATE" in x.get("content") else False,
    max_consecutive_auto_reply=0,
    code_execution_config={"use_docker": False},
)

user.initiate_chat(teachable_agent, message="What is the Vicuna model?", clear_history=True)
