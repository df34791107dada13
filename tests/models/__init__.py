"""Tests for agentkit.models."""
