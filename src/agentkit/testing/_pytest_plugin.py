"""pytest plugin: the ``fake_provider`` fixture."""
