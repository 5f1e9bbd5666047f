"""The baseline implementation: the pipeline graph run by a minimal plain-Python executor."""
