"""Fixtures come from the project's pytest plugin, teleservices.core.testing (entry point
pytest11), the same one third-party plugin suites use."""
