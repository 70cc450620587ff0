"""pg.py — a throw-away PostgreSQL 15 cluster for one test (Debian's
postgresql-15, scripts/deps.sh): `initdb` in a temporary folder, run as
an unprivileged user (PostgreSQL refuses root: when the test runs as
root, the folder is given to `nobody` and the server runs as it), with
a password (scram-sha-256) and no TCP at all: it listens only on a unix
socket in that folder. stop() ends it and removes the folder.

    with Cluster() as pg:
        pg.uri            # postgresql://tearsheet@/tearsheet?host=...&port=...
        pg.password
        pg.sql("SELECT 1") -> list of rows (tuples of str)
        pg.pause(); pg.start()   # the server away, then back

A missing server package says Skipped (tests/lib/skip.py; a failure
under CI=true).
"""
import os
import pwd
import shutil
import subprocess
import tempfile

from skip import skip

PG_BIN = "/usr/lib/postgresql/15/bin"
PORT = 5432  # names the socket file only: there is no TCP listener


class Cluster:
    def __init__(self):
        for tool in ("initdb", "pg_ctl"):
            if not os.access(os.path.join(PG_BIN, tool), os.X_OK):
                skip(f"no {PG_BIN}/{tool} (postgresql-15, scripts/deps.sh)")
        if not shutil.which("psql"):
            skip("no psql (postgresql-client-15, scripts/deps.sh)")
        self.run_as = {}
        if os.geteuid() == 0:
            try:
                nobody = pwd.getpwnam("nobody")
            except KeyError:
                skip("running as root and there is no user nobody to run PostgreSQL as")
            self.run_as = {"user": nobody.pw_uid, "group": nobody.pw_gid, "extra_groups": []}
            owner = (nobody.pw_uid, nobody.pw_gid)
        # /tmp, whatever TMPDIR says: nobody must reach the folder, and
        # the socket's path must stay under the 107 bytes of sun_path
        self.dir = tempfile.mkdtemp(prefix="ts-pg-", dir="/tmp")
        self.data = os.path.join(self.dir, "data")
        self.password = os.urandom(12).hex()
        self.started = False
        pwfile = os.path.join(self.dir, "pw")
        with open(pwfile, "w") as f:
            f.write(self.password + "\n")
        if self.run_as:
            os.chown(self.dir, *owner)
            os.chown(pwfile, *owner)
        try:
            self._server(["initdb", "-D", self.data, "-U", "tearsheet", "--pwfile", pwfile,
                          "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C"])
            os.unlink(pwfile)
            with open(os.path.join(self.data, "postgresql.conf"), "a") as f:
                f.write(f"listen_addresses = ''\nunix_socket_directories = '{self.dir}'\n"
                        f"port = {PORT}\nmax_connections = 40\n")
            self.start()
            self.sql("CREATE DATABASE tearsheet", db="postgres")
        except BaseException:
            self.stop()
            raise
        self.uri = f"postgresql://tearsheet@/tearsheet?host={self.dir}&port={PORT}"

    def start(self):
        """Starts the server (again, after pause())."""
        self._server(["pg_ctl", "-D", self.data, "-l", os.path.join(self.dir, "log"),
                      "-w", "-t", "60", "start"])
        self.started = True

    def pause(self):
        """Stops the server, keeping its data (start() brings it back):
        every client's connection is cut."""
        self._server(["pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop"])
        self.started = False

    def _server(self, argv):
        argv = [os.path.join(PG_BIN, argv[0])] + argv[1:]
        r = subprocess.run(argv, capture_output=True, text=True, cwd=self.dir, **self.run_as)
        if r.returncode != 0:
            log = ""
            try:
                with open(os.path.join(self.dir, "log")) as f:
                    log = f.read()[-2000:]
            except OSError:
                pass
            raise RuntimeError(f"{argv[0]} failed: {r.stderr.strip()} {log}")

    def sql(self, query, db="tearsheet"):
        env = dict(os.environ, PGPASSWORD=self.password)
        r = subprocess.run(["psql", "-X", "-q", "-At", "-F", "\t", "-v", "ON_ERROR_STOP=1",
                            "-h", self.dir, "-p", str(PORT), "-U", "tearsheet", "-d", db,
                            "-c", query], capture_output=True, text=True, env=env, check=False)
        if r.returncode != 0:
            raise RuntimeError(f"psql: {query}: {r.stderr.strip()}")
        return [tuple(line.split("\t")) for line in r.stdout.splitlines() if line]

    def stop(self):
        if self.started:
            try:
                self._server(["pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop"])
            except RuntimeError:
                pass
            self.started = False
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
