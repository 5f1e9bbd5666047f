"""The orchestrator-agnostic movie pipeline: plain functions, paths in, paths out."""
