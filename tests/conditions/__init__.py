"""Tests for agentkit.conditions."""
