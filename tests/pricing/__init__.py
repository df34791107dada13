"""Tests for agentkit.pricing."""
