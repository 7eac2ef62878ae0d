"""The client's address, the same for login throttling and the audit trail.

Behind the clinic's TLS proxy REMOTE_ADDR is the proxy. X-Forwarded-For is trusted only when
TRUSTED_PROXY_COUNT says how many proxies append to it: we take the address that many hops from
the right, so a client cannot forge its address by sending its own header.
"""

import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    if request is None:
        return None
    address = request.META.get("REMOTE_ADDR")
    hops = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if hops > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= hops:
            address = forwarded[-hops]
    try:
        return str(ipaddress.ip_address(address)) if address else None
    except ValueError:
        return None
