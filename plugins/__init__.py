"""The in-tree services. Each is a plugin registered through the ``teleservices`` entry points."""
