"""Adapters for comment apps a site may already use; each is an app to add to INSTALLED_APPS."""
