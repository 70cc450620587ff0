#!/usr/bin/env python3
"""serve_kill_load.py — the inquiry store under load while its server
is killed: `tearsheet serve` on a fresh site, a load generator (loopback
only, bounded in count and time) posting valid inquiries from 8 threads,
each a different client (X-Real-IP from loopback, so the rate limit
counts them apart), while the server is SIGKILLed and restarted every
few seconds. A post that gets no answer (connection refused or reset,
timeout) is sent again with the same form token, as a browser's retry
would be, until it is answered or the time is up.

Every tenth inquiry, once answered, is posted again with the same token
(a double click, a retry after a lost answer): it must get the first
post's id and store nothing.

Prints requests, answered, stored, duplicates, lost, retried, p50/p99
of the answered posts. Fails when an answered inquiry is not stored
exactly once, when a retried post was stored twice (duplicates) or got
another id, or when fewer than COUNT were answered.

With --nginx: two `tearsheet serve` processes on the same site folder
(one SQLite file) behind nginx, which passes a post the killed one
could not answer to the other (`proxy_next_upstream ... non_idempotent`
is safe because the form token makes a post idempotent); the first
server is the one killed.

With --engine pg: the same two servers behind nginx, on a PostgreSQL 15
store (site.yaml `store: postgresql://...`, the password in
`store_password_file:`): a throw-away cluster (tests/lib/pg.py) in a
temporary folder, on a unix socket only, removed at the end.

usage: serve_kill_load.py TEARSHEET [COUNT] [KILL_EVERY_S] [--nginx] [--engine sqlite|pg]
"""
import http.client
import json
import os
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from skip import skip  # noqa: E402
from pg import Cluster  # noqa: E402
from inquiry import free_port, token  # noqa: E402

TIME_LIMIT_S = 240
THREADS = 8


class Server:
    def __init__(self, binary, site, port):
        self.binary, self.site, self.port = binary, site, port
        self.proc = None
        self.lock = threading.Lock()

    def start(self):
        log = open(os.path.join(self.site, "serve.log"), "ab")
        self.proc = subprocess.Popen(
            [self.binary, "serve", self.site, "--listen", f"127.0.0.1:{self.port}"],
            stdout=subprocess.PIPE, stderr=log)
        # the build's lines, then "Serving ..." once it listens
        for _ in range(1000):
            line = self.proc.stdout.readline()
            if not line or line.startswith(b"Serving"):
                break
        if not line.startswith(b"Serving"):
            raise RuntimeError("tearsheet serve did not start (see serve.log)")

    def kill(self):
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self.proc.stdout.close()


class Nginx:
    def __init__(self, proc):
        self.proc = proc

    def kill(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait()


def start_nginx(tmp, port, upstreams):
    """nginx on loopback in front of the servers, config and logs in tmp."""
    conf = os.path.join(tmp, "nginx.conf")
    servers = "".join(f"    server 127.0.0.1:{p} max_fails=0;\n" for p in upstreams)
    with open(conf, "w") as f:
        f.write(f"""user root;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log;
events {{ worker_connections 256; }}
http {{
  access_log off;
  upstream tearsheet {{
{servers}    keepalive 8;
  }}
  server {{
    listen 127.0.0.1:{port};
    location / {{
      proxy_pass http://tearsheet;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      # the load generator plays many clients: pass its X-Real-IP on
      # (a real deployment sets $remote_addr here, docs/nginx.md)
      proxy_set_header X-Real-IP $http_x_real_ip;
      # the form token makes a post idempotent, so a post the killed
      # server did not answer may go to the other one
      proxy_next_upstream error timeout http_502 http_503 non_idempotent;
      proxy_connect_timeout 1s;
    }}
  }}
}}
""")
    proc = subprocess.Popen(["nginx", "-p", tmp, "-c", conf, "-g", "daemon off;"])
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return Nginx(proc)
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("nginx did not start")


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    args = sys.argv[1:]
    engine = "sqlite"
    if "--engine" in args:
        at = args.index("--engine")
        engine = args[at + 1] if at + 1 < len(args) else ""
        del args[at:at + 2]
    if engine not in ("sqlite", "pg"):
        print("--engine: sqlite or pg", file=sys.stderr)
        return 2
    # PostgreSQL is for several servers: always two, behind nginx
    use_nginx = "--nginx" in args or engine == "pg"
    args = [a for a in args if a != "--nginx"]
    binary = args[0]
    count = int(args[1]) if len(args) > 1 else 2000
    kill_every = float(args[2]) if len(args) > 2 else 3.0
    if not os.access(binary, os.X_OK):
        skip(f"no tearsheet binary at {binary}")
    if use_nginx and not shutil.which("nginx"):
        skip("nginx is not installed (scripts/deps.sh)")
    tmp = tempfile.mkdtemp(prefix="ts-kill-load-")
    pg = None
    running = []  # what the finally below stops, should a step fail
    try:
        site = os.path.join(tmp, "site")
        subprocess.run([binary, "new", site], check=True, stdout=subprocess.DEVNULL)
        if engine == "pg":
            pg = Cluster()
            pwfile = os.path.join(tmp, "pgpass")
            with open(os.open(pwfile, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as f:
                f.write(pg.password + "\n")
            with open(os.path.join(site, "site.yaml"), "a") as f:
                f.write(f"store: {pg.uri}\nstore_password_file: {pwfile}\n")
        server = Server(binary, site, free_port())
        running.append(server)
        server.start()
        port = server.port
        if use_nginx:
            other = Server(binary, site, free_port())
            running.append(other)
            other.start()
            port = free_port()
            running.append(start_nginx(tmp, port, [server.port, other.port]))
        if pg:
            key = bytes.fromhex(pg.sql("SELECT key FROM secret")[0][0])
        else:
            with open(os.path.join(site, ".tearsheet", "secret")) as f:
                key = bytes.fromhex(f.read().strip())

        lock = threading.Lock()
        stats = {"requests": 0, "answered": 0, "unanswered": 0, "retried": 0}
        answered = {}  # name -> id answered
        latencies = []
        next_item = [0]
        deadline = time.monotonic() + TIME_LIMIT_S
        stop = threading.Event()

        def post_one(i):
            name = f"Load {i:05d}"
            body = json.dumps({
                "photo_id": "general", "name": name, "email": "load@example.org",
                "country": "Korea", "usage": "non-profit", "media": ["social"],
                "territory": "Korea", "start_date": "2027-03-01", "duration": "3 months",
                "exclusivity": "exclusive", "description": "load test", "consent": "yes",
                "token": token(key)})
            # a different client each, so the per-network rate limit
            # counts them apart (X-Real-IP is believed from loopback)
            client = f"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}"
            t0 = time.monotonic()
            got = send(name, body, client)
            if got is None:
                return
            with lock:
                stats["answered"] += 1
                answered[name] = got
                latencies.append(time.monotonic() - t0)
            if i % 10 == 0:
                again = send(name, body, client)
                if again is None:
                    return
                if again != got:
                    raise RuntimeError(f"{name}: posted again, answered id {again}, not {got}")
                with lock:
                    stats["retried"] += 1

        def send(name, body, client):
            """The id the server answers, posting again what it did not
            answer; None when the time is up."""
            while time.monotonic() < deadline:
                with lock:
                    stats["requests"] += 1
                try:
                    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                    c.request("POST", "/api/inquiries", body=body,
                              headers={"Content-Type": "application/json", "X-Real-IP": client})
                    r = c.getresponse()
                    data = r.read()
                    c.close()
                except (OSError, http.client.HTTPException):
                    time.sleep(0.05)  # refused or cut off: the same post again
                    continue
                if r.status == 201:
                    return json.loads(data)["id"]
                raise RuntimeError(f"{name}: {r.status} {data[:300]!r}")
            with lock:
                stats["unanswered"] += 1
            return None

        errors = []

        def worker():
            try:
                while not stop.is_set():
                    with lock:
                        i = next_item[0]
                        next_item[0] += 1
                    if i >= count:
                        return
                    post_one(i)
            except Exception as e:  # noqa: BLE001 — reported below
                errors.append(str(e))
                stop.set()

        threads = [threading.Thread(target=worker) for _ in range(THREADS)]
        for t in threads:
            t.start()
        kills = 0
        while any(t.is_alive() for t in threads) and time.monotonic() < deadline:
            time.sleep(kill_every)
            if not any(t.is_alive() for t in threads):
                break
            server.kill()
            kills += 1
            server.start()
        for t in threads:
            t.join()
        for r in running:
            r.kill()
        running = []

        if pg:
            rows = [(n, int(i)) for n, i in
                    pg.sql("SELECT name, id FROM inquiries WHERE name LIKE 'Load %'")]
        else:
            db = sqlite3.connect(os.path.join(site, ".tearsheet", "inquiries.db"))
            rows = db.execute("SELECT name, id FROM inquiries WHERE name LIKE 'Load %'").fetchall()
            db.close()
        stored = {}
        for name, rid in rows:
            stored.setdefault(name, []).append(rid)
        duplicates = sum(len(v) - 1 for v in stored.values())
        lost = [n for n in answered if n not in stored]
        wrong = [n for n in answered if n in stored and answered[n] not in stored[n]]
        lat = sorted(latencies)
        p50 = statistics.median(lat) * 1000 if lat else 0
        p99 = lat[int(len(lat) * 0.99) - 1] * 1000 if lat else 0
        print(f"{'engine':30} | requests | answered | stored | duplicates | lost | retried | "
              "kills | p50 ms | p99 ms")
        label = ("postgresql" if pg else "sqlite") + (", 2 servers + nginx" if use_nginx
                                                        else ", 1 server")
        print(f"{label:30} | {stats['requests']:8} | {stats['answered']:8} | {len(rows):6} | "
              f"{duplicates:10} | {len(lost):4} | {stats['retried']:7} | {kills:5} | "
              f"{p50:6.1f} | {p99:6.1f}")
        bad = []
        if errors:
            bad.append("a post was refused: " + errors[0])
        if lost:
            bad.append(f"answered but not stored: {lost[:5]}")
        if wrong:
            bad.append(f"answered with another id than stored: {wrong[:5]}")
        if duplicates:
            bad.append(f"{duplicates} stored twice")
        if stats["answered"] < count:
            bad.append(f"only {stats['answered']} of {count} answered in {TIME_LIMIT_S} s")
        if kills == 0:
            bad.append("the server was never killed")
        if stats["retried"] < count // 10:
            bad.append(f"only {stats['retried']} of {count // 10} posted again")
        for b in bad:
            print("FAIL: " + b)
        return 1 if bad else 0
    finally:
        for r in running:
            r.kill()
        if pg:
            pg.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
