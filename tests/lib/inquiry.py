"""inquiry.py — what the Python tests of `tearsheet serve`
(serve_kill_load.py, store_pg.py) need to post inquiries on loopback:
a free port and a form token signed with the site's key, as token.c
makes them (docs/inquiries.md "Tokens")."""
import hashlib
import hmac
import os
import socket
import time


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def token(key, age_s=10):
    """A token issued age_s ago (older than the 3 s a form must stay
    open, younger than its 2 hours)."""
    issued = int(time.time()) - age_s
    body = f"{issued}.{os.urandom(16).hex()}"
    mac = hmac.new(key, b"tearsheet-token-v1:" + body.encode(), hashlib.sha256).hexdigest()
    return f"{body}.{mac}"
