"""Helpers for ``benchmarks/run_peers.py``: scenarios, contenders, measurement and reports.

Nothing here is part of agentkit's public API and nothing here is collected by pytest.
"""
