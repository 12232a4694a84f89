"""The Akismet-compatible API: rest.akismet.com's wire protocol, so existing Akismet clients
(WordPress, akismet.py, akismet-api, @cedx/akismet) check comments here.

wire (parsing and rendering) -> fields (Akismet parameters as Comment fields) -> comments
(comment-check through submit_comment(), submit-spam / submit-ham as labels) and account
(usage, key-sites, stats) -> views, routed by moderation.api.akismet_urls.
"""
