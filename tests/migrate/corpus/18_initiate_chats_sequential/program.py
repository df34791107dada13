import autogen

config_list = autogen.config_list_from_json(env_or_file="OAI_CONFIG_LIST")
llm_config = {"config_list": config_list, "timeout": 120}

financial_tasks = [
    "What are the current stock prices of NVDA and TSLA, and how is the performance over the past month?",
    "Investigate possible reasons of the stock performance.",
]
writing_tasks = ["Develop an engaging blog post using any information provided."]

financial_assistant = autogen.AssistantAgent(name="Financial_assistant", llm_config=llm_config)
research_assistant = autogen.AssistantAgent(name="Researcher", llm_config=llm_config)
writer = autogen.AssistantAgent(
    name="writer",
    llm_config=llm_config,
    system_message="You are a professional writer. Reply TERMINATE in the end when everything is done.",
)

user = autogen.UserProxyAgent(
    name="User",
    human_input_mode="NEVER",
    is_termination_msg=lambda x: x.get("content", "") and x.get("content", "").rstrip().endswith("TERMINATE"),
    code_execution_config=False,
)

chat_results = user.initiate_chats(
    [
        {
            "recipient": financial_assistant,
            "message": financial_tasks[0],
            "clear_history": True,
            "silent": False,
            "summary_method": "last_msg",
        },
        {
            "recipient": research_assistant,
            "message": financial_tasks[1],
            "summary_method": "last_msg",
        },
        {
            "recipient": writer,
            "message": writing_tasks[0],
            "carryover": "I want to include a figure or a table of data in the blogpost.",
        },
    ]
)

for i, chat_res in enumerate(chat_results):
    print(f"*****{i}th chat*******:")
    print(chat_res.summary)
