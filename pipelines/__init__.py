"""Pipeline implementations and the shared core."""
