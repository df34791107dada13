import json

import autogen

config_list = autogen.config_list_from_json("OAI_CONFIG_LIST", filter_dict={"model": ["gpt-4o"]})

llm_config = {
    "functions": [
        {
            "name": "get_stock_price",
            "description": "Get the latest price of a stock ticker.",
            "parameters": {
                "type": "object",
                "properties": {"ticker": {"type": "string", "description": "The stock ticker, e.g. MSFT."}},
                "required": ["ticker"],
            },
        }
    ],
    "config_list": config_list,
    "timeout": 120,
}


def get_stock_price(ticker):
    prices = {"MSFT": 415.5, "AAPL": 189.3}
    return json.dumps({"ticker": ticker, "price": prices.get(ticker, 0.0)})


analyst = autogen.AssistantAgent(
    name="analyst",
    system_message="You are a stock analyst. Use the functions you have. Reply TERMINATE when done.",
    llm_config=llm_config,
)
user_proxy = autogen.UserProxyAgent(
    name="user_proxy",
    is_termination_msg=lambda x: x.get("content", "") and x.get("content", "").rstrip().endswith("TERMINATE"),
    human_input_mode="NEVER",
    max_consecutive_auto_reply=5,
    code_execution_config=False,
    function_map={"get_stock_price": get_stock_price},
)

user_proxy.initiate_chat(analyst, message="What is the current price of MSFT?")
