"""The client's address, the same for login throttling and the audit trail.

Behind the clinic's TLS proxy REMOTE_ADDR is the proxy. X-Forwarded-For is trusted only when
TRUSTED_PROXY_COUNT says how many proxies append to it: we take the address that many hops from
the right, so a client cannot forge its address by sending its own header.
"""

import ipaddress
import logging

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


logger = logging.getLogger("config.client_ip")


class UntrustedForwardedForMiddleware:
    """Says once, at the first such request, that X-Forwarded-For is arriving but ignored.

    Either a proxy is in front and TRUSTED_PROXY_COUNT should say so (else every client has the
    proxy's address, and the per-address login lock is shared by all), or a client is sending
    its own header to choose its address, which is exactly why it is ignored.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.warned = False

    def __call__(self, request):
        if (
            not self.warned
            and "HTTP_X_FORWARDED_FOR" in request.META
            and getattr(settings, "TRUSTED_PROXY_COUNT", 0) == 0
        ):
            self.warned = True
            logger.warning(
                "X-Forwarded-For received but ignored because TRUSTED_PROXY_COUNT=0; "
                "if a proxy sets it, set TRUSTED_PROXY_COUNT to the number of proxies "
                "(docs/DEPLOY.md, Login lockouts)"
            )
        return self.get_response(request)
