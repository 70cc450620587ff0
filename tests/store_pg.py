#!/usr/bin/env python3
"""store_pg.py — the inquiry store's PostgreSQL engine against a real
PostgreSQL 15: a throw-away cluster (tests/lib/pg.py: initdb in a
temporary folder, an unprivileged user, a unix socket only, removed at
the end), then

- the store_ cases of the serve unit tests on it (the same contract
  the SQLite engine passes in unit_serve), the password from
  PGPASSWORD;
- `tearsheet serve` on it: /health 200, an inquiry stored; the
  PostgreSQL server restarted between two posts: the next one stored
  (the server connects again by itself); stopped: /health 503; started
  again: /health 200, the next inquiry stored; one client posting to
  two servers in turn gets one burst of inquiries (the sixth 429), the
  rate limits being shared in PostgreSQL;
- the owner's commands on a site whose site.yaml says
  `store: postgresql://...` (password in `store_password_file:`):
  passwd, list, mark, export; `inquiries backup` answers with pg_dump's
  command line; a URI with a password, or a password file others may
  read, is refused with a message that does not repeat the password.

usage: store_pg.py TEST_SERVE TEARSHEET
"""
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from inquiry import free_port, token  # noqa: E402
from pg import Cluster  # noqa: E402
from skip import skip  # noqa: E402


def run(argv, **kw):
    return subprocess.run(argv, capture_output=True, text=True, timeout=120, **kw)


def request(port, method, path, body=None, client=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Content-Type": "application/json"}
    if client:
        headers["X-Real-IP"] = client  # believed from loopback (docs/nginx.md)
    c.request(method, path, body=body, headers=headers)
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, data


def post_inquiry(port, key, name, client=None):
    return request(port, "POST", "/api/inquiries", client=client, body=json.dumps({
        "photo_id": "general", "name": name, "email": "pg@example.org", "country": "Korea",
        "usage": "non-profit", "media": ["web"], "territory": "Korea",
        "start_date": "2027-03-01", "duration": "1 year", "exclusivity": "none",
        "description": "PostgreSQL away and back", "consent": "yes",
        "token": token(key)}))


def start_serve(tearsheet, site, env, name):
    """`tearsheet serve` on a free loopback port, once it listens:
    (process, port), or (process, None) when it did not start."""
    port = free_port()
    with open(os.path.join(site, f"{name}.log"), "wb") as log:
        proc = subprocess.Popen([tearsheet, "serve", site, "--listen", f"127.0.0.1:{port}"],
                                stdout=subprocess.PIPE, stderr=log, env=env)
    for _ in range(1000):
        line = proc.stdout.readline()
        if not line or line.startswith(b"Serving"):
            break
    return proc, port if line.startswith(b"Serving") else None


def stop_serve(proc):
    proc.terminate()
    proc.wait()
    proc.stdout.close()


def two_servers_share_rates(pg, tearsheet, site, env, bad):
    """One client posting to two servers in turn gets one burst (5
    inquiries, TS_LIMIT_INQUIRY_BURST), not one per server."""
    procs = []
    try:
        ports = []
        for name in ("rate-a", "rate-b"):
            proc, port = start_serve(tearsheet, site, env, name)
            procs.append(proc)
            if port is None:
                bad.append(f"serve did not start on PostgreSQL ({name}.log)")
                return
            ports.append(port)
        key = bytes.fromhex(pg.sql("SELECT key FROM secret")[0][0])
        answers = [post_inquiry(ports[i % 2], key, f"Rate {i}", client="198.51.100.7")[0]
                   for i in range(6)]
        print(f"one client, two servers in turn: {answers}")
        if answers != [201] * 5 + [429]:
            bad.append(f"rate limit across two servers: {answers}, want five 201 then 429")
    finally:
        for p in procs:
            stop_serve(p)


def serve_through_an_outage(pg, tearsheet, site, env, bad):
    """serve on the PostgreSQL store while the database goes away and
    comes back."""
    proc, port = start_serve(tearsheet, site, env, "serve")
    try:
        if port is None:
            bad.append("serve did not start on PostgreSQL (serve.log)")
            return
        key = bytes.fromhex(pg.sql("SELECT key FROM secret")[0][0])
        status, _ = request(port, "GET", "/health")
        if status != 200:
            bad.append(f"/health on PostgreSQL: {status}")
        status, data = post_inquiry(port, key, "Before the outage")
        if status != 201:
            bad.append(f"post on PostgreSQL: {status} {data[:200]!r}")
        # a restart of the database between two posts: the next one
        # finds its connection dropped, connects again and is stored
        pg.pause()
        pg.start()
        status, data = post_inquiry(port, key, "After a restart")
        print(f"a post after PostgreSQL restarted: {status}")
        if status != 201:
            bad.append(f"post after a restart of the database: {status} {data[:200]!r}")
        pg.pause()
        status, _ = request(port, "GET", "/health")
        print(f"/health with PostgreSQL stopped: {status}")
        if status != 503:
            bad.append(f"/health with the database stopped: {status}, not 503")
        pg.start()
        status, _ = request(port, "GET", "/health")
        print(f"/health with PostgreSQL back: {status}")
        if status != 200:
            bad.append(f"/health with the database back: {status}, not 200")
        status, data = post_inquiry(port, key, "After the outage")
        if status != 201:
            bad.append(f"post after the outage: {status} {data[:200]!r}")
        names = {n for (n,) in pg.sql("SELECT name FROM inquiries")}
        for n in ("Before the outage", "After a restart", "After the outage"):
            if n not in names:
                bad.append(f"{n!r} not stored")
    finally:
        stop_serve(proc)


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    test_serve, tearsheet = sys.argv[1:]
    for b in (test_serve, tearsheet):
        if not os.access(b, os.X_OK):
            skip(f"no {b}")
    bad = []
    tmp = tempfile.mkdtemp(prefix="ts-store-pg-")
    pg = Cluster()
    try:
        env = dict(os.environ, TS_STORE_PG_URI=pg.uri, PGPASSWORD=pg.password)
        r = run([test_serve, "--only", "store_"], env=env)
        sys.stdout.write(r.stdout[-4000:])
        if r.returncode != 0:
            bad.append(f"store_ cases failed: {r.stderr[-2000:]}")
        if "on PostgreSQL" not in r.stdout:
            bad.append("the store_ cases did not run on PostgreSQL")

        site = os.path.join(tmp, "site")
        run([tearsheet, "new", site], check=True)
        pwfile = os.path.join(tmp, "pgpass")
        with open(os.open(pwfile, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as f:
            f.write(pg.password + "\n")
        yaml = os.path.join(site, "site.yaml")
        with open(yaml) as f:
            base = f.read()
        with open(yaml, "w") as f:
            f.write(base + f"store: {pg.uri}\nstore_password_file: {pwfile}\n")
        clean = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        serve_through_an_outage(pg, tearsheet, site, clean, bad)
        two_servers_share_rates(pg, tearsheet, site, clean, bad)

        r = run([tearsheet, "passwd", "--site", site], input="owner password 1\n", env=clean)
        if r.returncode != 0:
            bad.append(f"passwd: {r.returncode} {r.stderr}")
        stored = pg.sql("SELECT password FROM owner")
        if not stored or not stored[0][0].startswith("scrypt$"):
            bad.append(f"passwd stored {stored!r} in PostgreSQL")
        pg.sql("INSERT INTO inquiries(created, photo_id, name, email)"
               " VALUES('2026-12-06T07:00:00Z', 'general', 'Kim Min-ji', 'kim@example.org')")
        r = run([tearsheet, "inquiries", "list", "--site", site], env=clean)
        if r.returncode != 0 or "Kim Min-ji" not in r.stdout:
            bad.append(f"list: {r.returncode} {r.stdout} {r.stderr}")
        one = pg.sql("SELECT id FROM inquiries WHERE name = 'Kim Min-ji'")[0][0]
        r = run([tearsheet, "inquiries", "mark", one, "licensed", "--site", site], env=clean)
        if r.returncode != 0 or pg.sql(f"SELECT status FROM inquiries WHERE id = {int(one)}") != [
                ("licensed",)]:
            bad.append(f"mark: {r.returncode} {r.stderr}")
        r = run([tearsheet, "inquiries", "export", "--csv", "--site", site], env=clean)
        if r.returncode != 0 or '"licensed"' not in r.stdout:
            bad.append(f"export: {r.returncode} {r.stderr}")
        if os.path.exists(os.path.join(site, ".tearsheet", "inquiries.db")):
            bad.append("a PostgreSQL site made an SQLite database too")
        backup = os.path.join(tmp, "backup.dump")
        r = run([tearsheet, "inquiries", "backup", backup, "--site", site], env=clean)
        if r.returncode != 2 or "pg_dump --format=custom" not in r.stderr or os.path.exists(backup):
            bad.append(f"backup: {r.returncode} {r.stderr}")
        print("backup on PostgreSQL says:", r.stderr.strip())

        # the password file must be the owner's alone
        os.chmod(pwfile, 0o644)
        r = run([tearsheet, "inquiries", "list", "--site", site], env=clean)
        if r.returncode == 0 or "chmod 600" not in r.stderr:
            bad.append(f"a password file others may read was used: {r.stderr}")
        os.chmod(pwfile, 0o600)
        # a password in the URI: refused, not repeated
        with open(yaml, "w") as f:
            f.write(base + "store: " + pg.uri.replace("tearsheet@", f"tearsheet:{pg.password}@")
                    + "\n")
        r = run([tearsheet, "inquiries", "list", "--site", site], env=clean)
        if r.returncode == 0 or "PGPASSWORD" not in r.stderr or pg.password in r.stderr:
            bad.append(f"a URI with a password: {r.returncode} {r.stderr}")
        print("a URI with a password says:", r.stderr.strip())
        # no password anywhere: libpq's own refusal, named
        with open(yaml, "w") as f:
            f.write(base + f"store: {pg.uri}\n")
        r = run([tearsheet, "inquiries", "list", "--site", site], env=clean)
        if r.returncode == 0 or "password" not in r.stderr:
            bad.append(f"no password: {r.returncode} {r.stderr}")
        # PGPASSWORD from the environment is enough
        r = run([tearsheet, "inquiries", "list", "--site", site],
                env=dict(clean, PGPASSWORD=pg.password))
        if r.returncode != 0 or "Kim Min-ji" not in r.stdout:
            bad.append(f"PGPASSWORD: {r.returncode} {r.stderr}")
        # a store: that is neither: the site.yaml parser says so
        with open(yaml, "w") as f:
            f.write(base + "store: mysql://db/x\n")
        r = run([tearsheet, "inquiries", "list", "--site", site], env=clean)
        if r.returncode == 0 or "postgresql://" not in r.stderr:
            bad.append(f"store: mysql: {r.returncode} {r.stderr}")
    finally:
        pg.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    for b in bad:
        print("FAIL: " + b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
