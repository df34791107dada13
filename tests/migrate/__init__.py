"""Tests for agentkit.migrate."""
