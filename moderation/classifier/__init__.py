"""The classifier: pipeline definition, verified model files, and scoring."""
