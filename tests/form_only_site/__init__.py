"""A site with Hamlet's comment form and review queue but neither API, run without the `api`
extra installed (issue 19); tests/moderation/test_without_api.py runs visit.py in a subprocess."""
