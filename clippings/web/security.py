"""What the app needs once it faces the internet: a per-address cap on the two forms a
stranger can hammer (sign-in guesses, PDF checks that each cost a signature
validation), and trust in a reverse proxy's ``X-Forwarded-*`` headers only when the
operator says one is in front.

The limiter is built per app, never module-wide: its counters live in the storage it
opens in ``init_app``, and two apps (tests, or two sites in one process) must not share
one address's count.
"""

from __future__ import annotations

import math
import time

from flask import Blueprint, Flask, Response, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from werkzeug.middleware.proxy_fix import ProxyFix

DEFAULT_LOGIN_LIMIT = "10 per minute"
DEFAULT_VERIFY_LIMIT = "20 per minute"


def refused(response: Response) -> bool:
    """Only refused sign-ins count: a whole office behind one address signing in at eight
    in the morning is not an attack, ten wrong passwords in a minute are."""
    return response.status_code >= 400


def init_app(app: Flask) -> Limiter:
    """Cookie flags, proxy trust and this app's own limiter, from ``HTTPS``,
    ``PROXY_COUNT`` and ``RATELIMIT_*`` in ``app.config``.

    Call it before ``CSRFProtect.init_app``: the limiter's check then runs first, so a
    flood of posts without a form token is counted too.
    """
    if app.config["HTTPS"]:
        app.config.update(SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True,
                          PREFERRED_URL_SCHEME="https")
    proxies = app.config["PROXY_COUNT"]
    if proxies:
        # Without a proxy these headers are whatever the client wrote: trusting them would
        # let anyone pick a fresh address for every guess.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]
    limiter = Limiter(key_func=get_remote_address)
    limiter.init_app(app)
    return limiter


def limit_posts(limiter: Limiter, blueprint: Blueprint, limit: str, *, refused_only: bool = False) -> None:
    """Cap POSTs to each of ``blueprint``'s pages per client address; GET stays free."""
    limiter.limit(limit, methods=["POST"], deduct_when=refused if refused_only else None)(blueprint)


def seconds_to_wait() -> int | None:
    """How long the client this request refused has to wait, rounded up; ``None`` when
    no limit of this app was breached (a 429 from elsewhere)."""
    for limiter in current_app.extensions.get("limiter", ()):
        current = limiter.current_limit
        if current is not None and current.breached:
            return max(1, math.ceil(current.window.reset_time - time.time()))
    return None
