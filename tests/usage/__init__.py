"""Tests for agentkit.usage."""
