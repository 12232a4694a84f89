"""The Akismet API as tests address it, and bodies built byte by byte, so tests can send what no
well-behaved client would.
"""

from __future__ import annotations

BLOG = "https://news.example/"
DEBUG_HELP = "X-akismet-debug-help"
MULTIPART = "multipart/form-data; boundary=b"
AKISMET_ENDPOINTS = [
    "1.1/verify-key",
    "1.1/comment-check",
    "1.1/submit-spam",
    "1.1/submit-ham",
    "1.2/usage-limit",
    "1.2/key-sites",
    "1.1/get-stats",
    "1.1/get-subscription",
    "1.1/token",
    "1.1/deactivate",
    "1.1/verify-wpcom-key",
]


def multipart(
    fields: list[tuple[bytes, bytes]], *, boundary: bytes = b"b", part_headers: bytes = b""
) -> bytes:
    """Return a multipart/form-data body of `fields`, each part with `part_headers` added."""
    parts = [
        b'--%s\r\nContent-Disposition: form-data; name="%s"\r\n%s\r\n%s\r\n'
        % (boundary, name, part_headers, value)
        for name, value in fields
    ]
    return b"".join(parts) + b"--%s--\r\n" % boundary


def files(count: int) -> bytes:
    """Return a multipart/form-data body of `count` one-byte file uploads."""
    parts = [
        b'--b\r\nContent-Disposition: form-data; name="f%d"; filename="f.txt"\r\n\r\nx\r\n' % n
        for n in range(count)
    ]
    return b"".join(parts) + b"--b--\r\n"
