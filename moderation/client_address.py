"""The address a request came from: the one the comment form stores, block-IP rules match and
every per-IP rate limit counts. REMOTE_ADDR, unless it is one of MODERATION["TRUSTED_PROXIES"].
"""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING

from moderation.conf import get_settings

if TYPE_CHECKING:
    from django.http import HttpRequest
    from rest_framework.request import Request

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def proxy_network(entry: object) -> Network | None:
    """Return the network a TRUSTED_PROXIES entry names ("10.0.0.7", "10.0.0.0/8"), or None."""
    if not isinstance(entry, str):
        return None
    try:
        return ipaddress.ip_network(entry.strip(), strict=False)
    except ValueError:
        return None


def client_ip(request: HttpRequest | Request) -> str | None:
    """Return the IP address of the client that sent `request`, or None if there is none.

    The peer (REMOTE_ADDR) is the client, unless it is a trusted proxy: then X-Forwarded-For is
    read from the right, each trusted proxy's entry skipped, and the first address that is not
    a trusted proxy is the client. Entries further left were written by the client itself, so
    they are never believed (issue 18: a new X-Forwarded-For on each request escaped every
    per-IP limit). An entry that is not an IP address gives the peer.
    """
    peer = _address(request.META.get("REMOTE_ADDR", ""))
    if peer is None:
        return None
    networks = trusted_networks()
    client = peer
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for entry in reversed(forwarded.split(",") if forwarded else []):
        if not _is_trusted(client, networks):
            break
        hop = _address(entry)
        if hop is None:
            return str(peer)
        client = hop
    return str(client)


def trusted_networks() -> list[Network]:
    """Return the networks of MODERATION["TRUSTED_PROXIES"]; a bad entry (check moderation.E010)
    trusts nothing rather than failing the request."""
    configured = get_settings()["TRUSTED_PROXIES"]
    if not isinstance(configured, list | tuple):
        return []
    return [network for network in map(proxy_network, configured) if network is not None]


def _address(value: str) -> IPAddress | None:
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    # A dual-stack server may report an IPv4 client as ::ffff:192.0.2.1.
    mapped = address.ipv4_mapped if isinstance(address, ipaddress.IPv6Address) else None
    return mapped or address


def _is_trusted(address: IPAddress, networks: list[Network]) -> bool:
    return any(address.version == network.version and address in network for network in networks)
