"""Tests for agentkit.deadlines."""
