"""The campaign behind scripts/fault-campaign (which sets STUDIOLOOP_BIN and REPO)."""
import argparse, base64, glob, http.client, os, random, secrets, shutil, signal, socket, subprocess, sys, tempfile, threading, time, uuid
from collections import Counter
from datetime import datetime, timedelta, timezone
from members import Client, free_port, paid_member

BIN, REPO = os.environ["STUDIOLOOP_BIN"], os.environ["REPO"]
PG_BIN = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))[-1]
AS_PG = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []  # PostgreSQL refuses to run as root
WEBHOOK_SECRET = "whsec_" + base64.b64encode(b"fault-campaign sandbox secret, 32 bytes").decode()
SECRETS = {"STUDIOLOOP_JWT_SECRET": secrets.token_hex(32), "STUDIOLOOP_CHECKIN_SECRET": secrets.token_hex(32),
           "STUDIOLOOP_SANDBOX_WEBHOOK_SECRET": WEBHOOK_SECRET, "STUDIOLOOP_CONTEXT_KEY": secrets.token_hex(32)}
RETRYABLE = {502, 503, 504, "conn"}  # the load balancer's and the server's "not now", and a dropped connection
START = time.monotonic()


def say(text):
    print(f"[{time.monotonic() - START:6.1f}s] {text}", flush=True)


def wait_for(what, check, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except (OSError, http.client.HTTPException, subprocess.CalledProcessError):
            pass
        time.sleep(0.1)
    sys.exit(f"gave up waiting for {what} after {timeout} s")


# MARK: PostgreSQL: a primary and a synchronous standby

class Node:
    """One PostgreSQL server in a folder of its own, on loopback."""

    def __init__(self, work, name):
        self.name, self.port, self.data, self.log = name, free_port(), os.path.join(work, name), os.path.join(work, name + ".log")

    def ctl(self, *args):
        subprocess.run(AS_PG + [f"{PG_BIN}/pg_ctl", "-D", self.data, "-l", self.log, *args], check=True, stdout=subprocess.DEVNULL)

    def start(self):
        self.ctl("-w", "-t", "60", "start")

    def stop(self, mode="fast"):
        self.ctl("-w", "-m", mode, "stop")

    def sql(self, statement, database="campaign"):
        return subprocess.run([f"{PG_BIN}/psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", database, "-XAtqc", statement],
                              check=True, capture_output=True, text=True).stdout.strip()

    def configure(self, settings):
        with open(os.path.join(self.data, "postgresql.auto.conf"), "a") as conf:
            conf.writelines(f"{key} = '{value}'\n" for key, value in settings.items())


def make_cluster(work):
    primary, standby = Node(work, "primary"), Node(work, "standby")
    subprocess.run(AS_PG + [f"{PG_BIN}/initdb", "-D", primary.data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-locale"],
                   check=True, capture_output=True)
    common = {"listen_addresses": "127.0.0.1", "unix_socket_directories": work, "max_connections": "200", "wal_level": "replica",
              "max_wal_senders": "5", "hot_standby": "on", "wal_keep_size": "256MB",
              # A commit is acknowledged once the standby has it: the primary's loss loses no booking.
              "synchronous_standby_names": "standby", "synchronous_commit": "on"}
    primary.configure(dict(common, port=primary.port))
    primary.start()
    subprocess.run(AS_PG + [f"{PG_BIN}/pg_basebackup", "-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres", "-D", standby.data,
                            "-X", "stream", "-R"], check=True, capture_output=True)
    # After a promotion the standby is primary alone: it must not wait for a standby it no longer has.
    # It reconnects to a restarted primary within a second (5 s by default), and the primary's commits wait for it.
    standby.configure({"port": standby.port, "synchronous_standby_names": "", "wal_retrieve_retry_interval": "1s",
                       "primary_conninfo": f"host=127.0.0.1 port={primary.port} user=postgres application_name=standby"})
    standby.start()
    wait_for("the synchronous standby", lambda: primary.sql("SELECT sync_state FROM pg_stat_replication", "postgres") == "sync", 30)
    primary.sql("CREATE ROLE studioloop_app LOGIN NOSUPERUSER NOBYPASSRLS", "postgres")
    primary.sql("CREATE DATABASE campaign OWNER studioloop_app", "postgres")
    wait_for("the standby to replay the database", lambda: standby.sql("SELECT 1") == "1", 30)
    return primary, standby


# MARK: PgBouncer in transaction mode, before whichever PostgreSQL server is primary

class Bouncer:
    """PgBouncer in transaction mode: each transaction borrows a server connection and gives
    it back, so many server processes share a few connections. It follows the primary as an
    operator's failover tooling would point it: its configuration rewritten and reloaded."""

    def __init__(self, work, node):
        self.work, self.port = work, free_port()
        self.config = os.path.join(work, "pgbouncer.ini")
        self.pidfile = os.path.join(work, "pgbouncer.pid")
        self.users = os.path.join(work, "pgbouncer-users.txt")
        with open(self.users, "w") as f:
            f.write('"studioloop_app" ""\n"postgres" ""\n')
        self.point_at(node)
        subprocess.run(AS_PG + ["pgbouncer", "-d", self.config], check=True)
        wait_for("PgBouncer", lambda: socket.create_connection(("127.0.0.1", self.port), timeout=1).close() or True, 20)

    def point_at(self, node):
        with open(self.config, "w") as f:
            f.write(f"""[databases]
campaign = host=127.0.0.1 port={node.port} dbname=campaign
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {self.port}
unix_socket_dir =
auth_type = trust
auth_file = {self.users}
pool_mode = transaction
max_client_conn = 500
default_pool_size = 20
server_login_retry = 1
# A transaction waiting for a server that is gone fails after 10 s instead of 120.
query_wait_timeout = 10
logfile = {os.path.join(self.work, "pgbouncer.log")}
pidfile = {self.pidfile}
""")
        for path in (self.users, self.config):
            if AS_PG:
                shutil.chown(path, "postgres")

    def follow(self, node):
        """Points at `node` (the promoted standby) and reloads."""
        self.point_at(node)
        os.kill(self.pid(), signal.SIGHUP)

    def pid(self):
        with open(self.pidfile) as f:
            return int(f.read().strip())

    def stop(self):
        try:
            os.kill(self.pid(), signal.SIGTERM)
        except (OSError, ValueError):
            pass


# MARK: The servers and the load balancer

class Server:
    def __init__(self, work, n, url, listen_url):
        self.n, self.port, self.url, self.listen_url = n, free_port(), url, listen_url
        self.log_path = os.path.join(work, f"server{n}.log")
        self.snapshot = os.path.join(work, f"server{n}.index")
        self.process = None

    def start(self):
        log = open(self.log_path, "a")
        self.process = subprocess.Popen(
            [BIN, "serve", "--development", "--port", str(self.port), "--database", self.url, "--dataset", os.path.join(REPO, "Data/demo"),
             *(["--listen-database", self.listen_url, "--no-prepared-statements"] if self.listen_url else []),
             "--rate-limit", "0", "--anonymous-rate-limit", "0", "--auth-rate-limit", "0", "--sign-in-limit", "0", "--bcrypt-cost", "10",
             "--maintenance-every", "1", "--drain", "1", "--stale-after", "2", "--index-snapshot", self.snapshot, "--snapshot-every", "5"],
            cwd=REPO, env=dict(os.environ, **SECRETS), stdout=log, stderr=subprocess.STDOUT)

    def ready(self):
        return Client(self.port).call("GET", "/ready")[0] == 200

    def starts_from_snapshot(self):
        """How many of its starts loaded its index snapshot rather than reading the store."""
        with open(self.log_path) as log:
            return sum(1 for line in log if line.startswith("loaded the index snapshot"))

    def kill(self):
        self.process.kill()
        self.process.wait()

    def stop(self):
        """SIGTERM: a graceful stop (drain, finish what is in flight)."""
        self.process.terminate()
        self.process.wait(timeout=60)


HAPROXY = """
global
    maxconn 2000
defaults
    mode http
    timeout connect 1s
    timeout client 30s
    timeout server 30s
    # A request that never reached a server (refused, reset before an answer) goes to another.
    retries 2
    option redispatch
    retry-on conn-failure empty-response
frontend api
    bind 127.0.0.1:{port}
    # With no server ready (the store cut off), the live ones still answer: search from their
    # indexes, and bookings with their own 503 and Retry-After.
    use_backend alive if {{ nbsrv(ready) eq 0 }}
    default_backend ready
backend ready
    balance roundrobin
    option httpchk GET /ready
    default-server inter 300ms fall 2 rise 2
{ready}
backend alive
    balance roundrobin
    option httpchk GET /health
    default-server inter 300ms fall 2 rise 2
{alive}
"""


def start_haproxy(work, servers):
    port = free_port()
    lines = lambda: "\n".join(f"    server s{s.n} 127.0.0.1:{s.port} check" for s in servers)
    path = os.path.join(work, "haproxy.cfg")
    with open(path, "w") as cfg:
        cfg.write(HAPROXY.format(port=port, ready=lines(), alive=lines()))
    process = subprocess.Popen(["haproxy", "-f", path], stdout=open(os.path.join(work, "haproxy.log"), "w"), stderr=subprocess.STDOUT)
    return process, port


# MARK: Members

class Tally:
    """What the members sent and what came back, shared by their threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.statuses = Counter()          # (kind, status) -> count
        self.phase = "steady"
        self.by_phase = Counter()          # (phase, status) -> count
        self.booked_at = []                # monotonic times of acknowledged bookings
        self.expected = {}                 # booking id -> the state its member was last told
        self.search_failures = []         # (when, status, answer) of each search not answered
        self.searches_in_cut = 0           # searches sent while the database was cut off
        self.stale_in_cut = 0              # and of those, answers marked X-Index-Stale-Seconds

    def note(self, kind, status):
        with self.lock:
            self.statuses[(kind, status)] += 1
            self.by_phase[(self.phase, status)] += 1


class Member(threading.Thread):
    def __init__(self, user_id, client, sessions, tally, control):
        super().__init__(daemon=True)
        self.user_id, self.client, self.sessions, self.tally, self.control = user_id, client, sessions, tally, control
        self.held = []  # booking ids this member holds
        self.busy = threading.Event()

    def send(self, kind, method, path, body=None, headers=None):
        """Sends until an answer that is not "not now" (or 60 s pass): what a careful client does."""
        deadline = time.monotonic() + 60
        while True:
            status, answer, response = self.client.call(method, path, body, headers)
            self.tally.note(kind, status)
            if status not in RETRYABLE or time.monotonic() > deadline:
                return status, answer
            wait = 0.25
            if response is not None and response.getheader("Retry-After", "").isdigit():
                wait = min(1.0, int(response.getheader("Retry-After")) / 4)
            time.sleep(wait)
            self.search()  # the app still browses while a booking waits

    def search(self):
        in_cut = self.control["cut"]
        status, answer, response = self.client.call("GET", "/api/v1/marketplace/search?lat=-26.2041&lng=28.0473&radius_km=25&limit=10")
        self.tally.note("search", status)
        if status != 200:
            with self.tally.lock:
                self.tally.search_failures.append((round(time.monotonic() - START, 1), status, str(answer)[:160]))
        if in_cut:
            with self.tally.lock:
                self.tally.searches_in_cut += 1
                self.tally.stale_in_cut += response is not None and response.getheader("X-Index-Stale-Seconds") is not None

    def book(self):
        session, key = random.choice(self.sessions), uuid.uuid4().hex
        status, booking = self.send("book", "POST", "/api/v1/marketplace/bookings", {"class_schedule_id": session}, {"Idempotency-Key": key})
        if status == 201:
            with self.tally.lock:
                self.tally.booked_at.append(time.monotonic())
                self.tally.expected[booking["id"]] = booking["status"]
            self.held.append(booking["id"])

    def cancel(self):
        booking = self.held.pop(0)
        status, _ = self.send("cancel", "DELETE", f"/api/v1/bookings/{booking}")
        with self.tally.lock:
            # Anything but a 200 (a 409 after a retry: an earlier attempt went through with its
            # answer lost; or no answer in 60 s) leaves either state acceptable.
            self.tally.expected[booking] = "cancelled" if status == 200 else "unknown"

    def run(self):
        while not self.control["stop"]:
            if self.control["paused"]:
                time.sleep(0.02)
                continue
            self.busy.set()
            roll = random.random()
            if roll < 0.4:
                self.search()
            elif len(self.held) < 2 and roll < 0.75:
                self.book()
            elif self.held:
                self.cancel()
            self.busy.clear()


# MARK: What must hold

def spots_in_store(db, sessions):
    ids = ",".join(f"'{s}'" for s in sessions)
    rows = db.sql(f"SELECT id, CASE WHEN status = 'cancelled' THEN 0 ELSE available_spots END FROM class_schedules WHERE id IN ({ids})")
    return {line.split("|")[0]: int(line.split("|")[1]) for line in rows.splitlines()}


def spots_and_confirmed(db, sessions):
    """Each session's spots left and confirmed bookings: the demo data's spots do not count its
    bookings, so the campaign checks the change in each against the other."""
    ids = ",".join(f"'{s}'" for s in sessions)
    rows = db.sql(f"""SELECT s.id, s.available_spots, (SELECT count(*) FROM bookings b WHERE b.session_id = s.id
        AND b.status IN ('confirmed', 'checked_in')) FROM class_schedules s WHERE s.id IN ({ids})""")
    return {line.split("|")[0]: (int(line.split("|")[1]), int(line.split("|")[2])) for line in rows.splitlines()}


def spots_in_index(server, gym, window):
    status, page, _ = Client(server.port).call(
        "GET", f"/api/v1/marketplace/search?location={gym['location']}&radius_km=1&tenant={gym['id']}&from={window[0]}&to={window[1]}&limit=50&sort=start_time")
    if status != 200:
        return None
    # A full session is left out of the results: it shows as 0.
    return {r["session_id"]: r["spots_left"] for r in page["results"]}


def time_to_agree(db, servers, sessions, gym, window, timeout=30):
    """Seconds until every server's search shows the store's spots for every session."""
    started = time.monotonic()
    want = spots_in_store(db, sessions)
    while time.monotonic() - started < timeout:
        seen = [spots_in_index(s, gym, window) for s in servers]
        if all(view is not None and all(view.get(k, 0) == v for k, v in want.items()) for view in seen):
            return time.monotonic() - started
        time.sleep(0.05)
    for server, view in zip(servers, seen):
        say(f"server {server.n} shows {view}; the store has {want}")
    return None


def main():
    parser = argparse.ArgumentParser(description="Faults under load, and what must survive them.")
    parser.add_argument("--cut-seconds", type=float, default=30)
    parser.add_argument("--members", type=int, default=16)
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="fault-campaign-")
    if AS_PG:
        shutil.chown(work, "postgres")
    processes = []
    nodes = []
    try:
        say(f"PostgreSQL primary and synchronous standby in {work}")
        primary, standby = make_cluster(work)
        nodes += [primary, standby]
        # Servers 1 and 2 send their requests through PgBouncer (transaction mode, so statements are
        # not prepared) and LISTEN straight to PostgreSQL, as LISTEN needs a session of its own.
        # Server 3 connects straight for both. Every direct URL names both hosts: libpq takes the
        # first that accepts writes, so each finds a promoted standby by itself.
        bouncer = Bouncer(work, primary)
        direct = (f"postgresql://studioloop_app@127.0.0.1:{primary.port},127.0.0.1:{standby.port}/campaign"
                  "?target_session_attrs=read-write&connect_timeout=2")
        pooled = f"postgresql://studioloop_app@127.0.0.1:{bouncer.port}/campaign?connect_timeout=2"
        say(f"PgBouncer (transaction mode) on port {bouncer.port}")
        servers = [Server(work, 1, pooled, direct), Server(work, 2, pooled, direct), Server(work, 3, direct, None)]
        servers[0].start()  # the first migrates and fills the store; the others find it filled
        wait_for("the first server", servers[0].ready, 300)
        for server in servers[1:]:
            server.start()
        for server in servers[1:]:
            wait_for(f"server {server.n}", server.ready, 120)
        haproxy, port = start_haproxy(work, servers)
        processes.append(haproxy)
        wait_for("HAProxy", lambda: Client(port).call("GET", "/ready")[0] == 200, 20)
        say(f"3 servers behind HAProxy on port {port}")

        members = [paid_member(port, [s.log_path for s in servers], f"campaign-{n}", WEBHOOK_SECRET) for n in range(args.members)]
        # Four sessions of one gym, from 30 hours ahead (a cancellation refunds in full), that every member competes for.
        start = datetime.now(timezone.utc) + timedelta(hours=30)
        tenant = primary.sql(f"""
            SELECT s.tenant_id FROM class_schedules s JOIN tenants t ON t.id = s.tenant_id
            WHERE s.start_time > {int(start.timestamp())} AND s.status = 'scheduled' AND t.marketplace_enabled = 1
            GROUP BY s.tenant_id HAVING count(*) >= 4 ORDER BY min(s.capacity), s.tenant_id LIMIT 1""")
        gym = {"id": tenant, "location": primary.sql(f"SELECT lat || ',' || lng FROM tenants WHERE id = '{tenant}'")}
        chosen = primary.sql(f"""
            SELECT id FROM class_schedules WHERE tenant_id = '{tenant}' AND start_time > {int(start.timestamp())} AND status = 'scheduled'
            ORDER BY capacity, start_time LIMIT 4""").split()
        quoted = ",".join(f"'{s}'" for s in chosen)
        bounds = primary.sql(f"SELECT min(start_time), max(start_time) FROM class_schedules WHERE id IN ({quoted})").split("|")
        iso = lambda t: datetime.fromtimestamp(t, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        window = (iso(int(bounds[0])), iso(int(bounds[1]) + 60))
        capacity = primary.sql(f"SELECT string_agg(capacity::text, ',') FROM class_schedules WHERE id IN ({quoted})")
        say(f"{len(members)} members signed up and paid; sessions {', '.join(chosen)} (capacity {capacity})")

        baseline = spots_and_confirmed(primary, chosen)
        tally = Tally()
        control = {"stop": False, "paused": False, "cut": False}
        threads = [Member(user, client, chosen, tally, control) for user, client in members]
        for thread in threads:
            thread.start()

        faults = []

        def quiesce_and_agree(db):
            control["paused"] = True
            wait_for("members to finish their requests", lambda: not any(t.busy.is_set() for t in threads), 90)
            agreed = time_to_agree(db, servers, chosen, gym, window)
            control["paused"] = False
            return agreed

        def record(name, began, ended, db):
            agreed = quiesce_and_agree(db)
            with tally.lock:
                times = sorted(tally.booked_at)
            around = [t for t in times if began - 5 <= t]
            gaps = [b - a for a, b in zip([began] + around, around)] if around else [float("inf")]
            window_s = max(gaps) if gaps else float("inf")
            first_after = next((t - ended for t in times if t >= ended), None)
            faults.append((name, window_s, first_after, agreed))
            say(f"{name}: longest wait between bookings {window_s:.2f} s; first booking {first_after if first_after is None else round(first_after, 2)} s "
                f"after it ended; every server agreed with the store {agreed if agreed is None else round(agreed, 2)} s after the pause")

        time.sleep(5)

        # 0. A rolling restart: each server asked to stop (SIGTERM) and started again in turn.
        began = time.monotonic()
        tally.phase = "rolling restart"
        say("rolling restart: SIGTERM each server in turn")
        for server in servers:
            server.stop()
            server.start()
            wait_for(f"server {server.n} again", server.ready, 120)
            time.sleep(1)  # HAProxy's checks see it up (rise 2 × 300 ms)
        ended = time.monotonic()
        record("rolling restart (SIGTERM)", began, ended, primary)
        with tally.lock:
            dropped = sum(n for (phase, status), n in tally.by_phase.items() if phase == "rolling restart" and status in RETRYABLE)
        say(f"rolling restart: {dropped} requests answered 502/503/504 or dropped")
        tally.phase = "faults"

        # 1. A server killed mid-load, and started again.
        began = time.monotonic()
        say("kill -9 server 2")
        servers[1].kill()
        time.sleep(3)
        servers[1].start()
        wait_for("server 2 again", servers[1].ready, 120)
        ended = time.monotonic()
        time.sleep(3)
        record("kill -9 a server", began, ended, primary)

        # 2. The primary restarted.
        began = time.monotonic()
        say("restart the primary")
        primary.stop("fast")
        primary.start()
        ended = time.monotonic()
        time.sleep(5)
        record("restart the primary", began, ended, primary)

        # 3. The primary lost; the standby promoted.
        time.sleep(2)
        began = time.monotonic()
        say("stop the primary (immediate), promote the standby, point PgBouncer at it")
        primary.stop("immediate")
        subprocess.run(AS_PG + [f"{PG_BIN}/pg_ctl", "-D", standby.data, "-w", "promote"], check=True, stdout=subprocess.DEVNULL)
        bouncer.follow(standby)
        ended = time.monotonic()
        wait_for("a booking on the promoted standby", lambda: any(t >= ended for t in tally.booked_at), 60)
        time.sleep(3)
        record("fail over to the standby", began, ended, standby)

        # 4. The database cut off (stopped) for a while: search answers, bookings wait.
        time.sleep(2)
        began = time.monotonic()
        say(f"cut the database off for {args.cut_seconds:.0f} s")
        standby.stop("immediate")
        control["cut"] = True
        ready_during = []
        cut_end = time.monotonic() + args.cut_seconds
        while time.monotonic() < cut_end:
            ready_during.append(tuple(Client(s.port).call("GET", "/ready")[0] for s in servers))
            time.sleep(1)
        control["cut"] = False
        standby.start()
        ended = time.monotonic()
        wait_for("every server ready again", lambda: all(s.ready() for s in servers), 60)
        back = time.monotonic() - ended
        not_ready = sum(1 for states in ready_during[2:] if all(s == 503 for s in states))
        say(f"while cut off, /ready said 503 on every server in {not_ready} of {len(ready_during[2:])} checks after the first 2 s; "
            f"every server ready {back:.2f} s after the database came back")
        time.sleep(3)
        record("database cut off", began, ended, standby)

        control["stop"] = True
        for thread in threads:
            thread.join(timeout=90)

        # What must hold, read from the store.
        db = standby
        ids = list(tally.expected)
        stored = {}
        for i in range(0, len(ids), 500):
            chunk = ",".join(f"'{b}'" for b in ids[i:i + 500])
            for line in db.sql(f"SELECT id, status FROM bookings WHERE id IN ({chunk})").splitlines():
                booking, status = line.split("|")
                stored[booking] = status
        lost = [b for b, want in tally.expected.items()
                if b not in stored or (want == "cancelled" and stored[b] != "cancelled")
                or (want in ("confirmed", "waitlisted") and stored[b] not in ("confirmed", "waitlisted"))]
        member_ids = ",".join(f"'{u}'" for u, _ in members)
        over = int(db.sql(f"""SELECT count(*) FROM class_schedules s WHERE s.id IN ({quoted}) AND (s.available_spots < 0 OR
            (SELECT count(*) FROM bookings b WHERE b.session_id = s.id AND b.status IN ('confirmed', 'checked_in')) > s.capacity)"""))
        after = spots_and_confirmed(db, chosen)
        drift = sum(1 for s in chosen if after[s][0] != baseline[s][0] - (after[s][1] - baseline[s][1]))
        unbalanced = int(db.sql("SELECT count(*) FROM (SELECT 1 FROM ledger_postings GROUP BY transaction_id, unit HAVING sum(amount) <> 0) x"))
        made = int(db.sql(f"SELECT count(*) FROM bookings WHERE user_id IN ({member_ids})"))
        keyed = int(db.sql(f"SELECT count(DISTINCT booking_id) FROM booking_requests WHERE user_id IN ({member_ids}) AND booking_id IS NOT NULL"))
        twice = int(db.sql(f"""SELECT count(*) FROM (SELECT 1 FROM bookings WHERE user_id IN ({member_ids}) AND status IN ('confirmed', 'waitlisted')
            GROUP BY user_id, session_id HAVING count(*) > 1) x"""))
        duplicates = (made - keyed) + twice

        restarts = len(servers) + 1  # each restarted by SIGTERM, one killed and started again (first starts have none yet)
        from_snapshot = sum(server.starts_from_snapshot() for server in servers)

        sent = sum(tally.statuses.values())
        print()
        print("| requests | " + " | ".join(f"{k}" for k in ("search", "book", "cancel")) + " |")
        print("|---|---|---|---|")
        by_kind = {kind: Counter({status: n for (k, status), n in tally.statuses.items() if k == kind}) for kind in ("search", "book", "cancel")}
        print(f"| sent | {' | '.join(str(sum(by_kind[k].values())) for k in ('search', 'book', 'cancel'))} |")
        for status in sorted({s for c in by_kind.values() for s in c}, key=str):
            print(f"| {status} | {' | '.join(str(by_kind[k][status]) for k in ('search', 'book', 'cancel'))} |")
        print()
        print("| fault | longest wait between bookings | first booking after it ended | every server agreed with the store |")
        print("|---|---|---|---|")
        for name, window_s, first_after, agreed in faults:
            f = lambda v: "never" if v is None else f"{v:.2f} s"
            print(f"| {name} | {window_s:.2f} s | {f(first_after)} | {f(agreed)} |")
        print()
        server_errors = sum(n for (kind, status), n in tally.statuses.items() if isinstance(status, int) and status >= 500 and status not in RETRYABLE)
        checks = [
            ("requests sent", sent, None),
            ("acknowledged bookings", len(tally.expected), None),
            ("acknowledged bookings or cancellations lost", len(lost), 0),
            ("sessions over capacity", over, 0),
            ("sessions whose spots disagree with their bookings", drift, 0),
            ("ledger transactions unbalanced", unbalanced, 0),
            ("bookings made twice by a retry", duplicates, 0),
            ("answers 5xx other than 502/503/504", server_errors, 0),
            ("requests dropped or refused during the rolling restart", dropped, 0),
            ("searches not answered", len(tally.search_failures), 0),
            ("restarts that served from their index snapshot", f"{from_snapshot} of {restarts}", f"{restarts} of {restarts}"),
            ("searches while the database was cut off", tally.searches_in_cut, None),
            ("  of which marked X-Index-Stale-Seconds (after the first 2 s)", tally.stale_in_cut, None),
        ]
        failed = False
        for name, value, want in checks:
            bad = want is not None and value != want
            failed |= bad
            print(f"{name}: {value}{'   <-- must be ' + str(want) if bad else ''}")
        for failure in tally.search_failures[:5]:
            print("a search not answered:", failure)
        if lost:
            print("lost:", [(b, tally.expected[b], stored.get(b)) for b in lost[:10]])
        slow = [f for f in faults if f[0] != "database cut off" and (f[1] > 10)]
        unagreed = [f for f in faults if f[3] is None or f[3] > 2]
        for name, *_ in slow:
            print(f"goal missed: bookings stopped for more than 10 s around '{name}'")
        for name, *_ in unagreed:
            print(f"goal missed: the servers did not agree with the store within 2 s after '{name}'")
        if not_ready < len(ready_during[2:]):
            print("goal missed: /ready did not say not-ready throughout the cut")
        failed |= bool(slow or unagreed) or not_ready < len(ready_during[2:])
        say("campaign " + ("FAILED" if failed else "passed"))
        sys.exit(1 if failed else 0)
    finally:
        for server in servers if "servers" in locals() else []:
            if server.process and server.process.poll() is None:
                server.process.terminate()
                try:
                    server.process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    server.process.kill()
        if "bouncer" in locals():
            bouncer.stop()
        for process in processes:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        for node in nodes:
            subprocess.run(AS_PG + [f"{PG_BIN}/pg_ctl", "-D", node.data, "-m", "immediate", "stop"], capture_output=True)
        if os.environ.get("KEEP_WORK"):
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


main()
