"""The APIs other CMSes use: a JSON API (DRF) and a wire-compatible Akismet endpoint."""
