"""Tests for agentkit.tools."""
