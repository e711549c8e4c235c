"""The load behind Benchmarks/booking-load (which sets the environment this reads)."""
import base64, os, statistics, subprocess, sys, tempfile, threading, time, uuid
from datetime import datetime, timedelta, timezone

sys.path.insert(0, os.path.join(os.environ["REPO"], "scripts"))
from members import Client, free_port, paid_member  # noqa: E402  (shared with scripts/fault-campaign)

BIN, REPO = os.environ["STUDIOLOOP_BIN"], os.environ["REPO"]
SECONDS = float(os.environ.get("SECONDS_PER_RUN", "5"))
MEMBERS = int(os.environ.get("MEMBERS", "16"))
WEBHOOK_SECRET = "whsec_" + base64.b64encode(b"booking-load sandbox secret, 32 bytes+").decode()


def postgres_database():
    """A fresh database owned by the application's role, and its URL logging in as that role."""
    admin, role = os.environ["STUDIOLOOP_TEST_POSTGRES_URL"], os.environ["STUDIOLOOP_TEST_POSTGRES_APP_ROLE"]
    name = "load_" + uuid.uuid4().hex
    subprocess.run(["psql", admin, "-qc", f"CREATE DATABASE {name} OWNER {role}"], check=True)
    return admin.rsplit("/", 1)[0].replace("//postgres@", f"//{role}@") + "/" + name


def start_server(store):
    work = tempfile.mkdtemp(prefix="booking-load-")
    port = free_port()
    database = postgres_database() if store == "postgres" else os.path.join(work, "store.sqlite")
    env = dict(os.environ, STUDIOLOOP_SANDBOX_WEBHOOK_SECRET=WEBHOOK_SECRET)
    log = open(os.path.join(work, "serve.log"), "w")
    server = subprocess.Popen(
        [BIN, "serve", "--development", "--port", str(port), "--rate-limit", "0", "--anonymous-rate-limit", "0", "--auth-rate-limit", "0", "--sign-in-limit", "0", "--bcrypt-cost", "10",
         "--maintenance-every", "1", "--database", database, "--dataset", os.path.join(REPO, "Data/demo")],
        cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    for _ in range(240):
        try:
            if Client(port).call("GET", "/ready")[0] == 200:
                return server, port, log.name
        except OSError:
            pass
        time.sleep(0.5)
    server.kill()
    sys.exit(f"the server did not become ready; see {log.name}")


def member(port, log_path, n):
    return paid_member(port, [log_path], f"load-{n}", WEBHOOK_SECRET)[1]


def sessions(port, count):
    """Distinct marketplace sessions from 30 hours ahead (so a cancellation refunds in full)."""
    start = (datetime.now(timezone.utc) + timedelta(hours=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    found, cursor = [], None
    while len(found) < count:
        path = f"/api/v1/marketplace/search?lat=-26.2041&lng=28.0473&radius_km=100&limit=50&min_spots=2&max_credits=5&from={start}"
        status, page, _ = Client(port).call("GET", path + (f"&cursor={cursor}" if cursor else ""))
        assert status == 200, (status, page)
        found += [r["session_id"] for r in page["results"] if r["session_id"] not in found]
        cursor = page.get("next_cursor")
        if not cursor:
            break
    assert len(found) >= count, f"only {len(found)} open sessions"
    return found[:count]


def run(port, members, chosen):
    deadline = time.monotonic() + SECONDS
    counts = [0] * len(members)
    errors = []

    def loop(i):
        client, session = members[i], chosen[i]
        while time.monotonic() < deadline:
            status, booking, _ = client.call("POST", "/api/v1/marketplace/bookings", {"class_schedule_id": session})
            if status != 201:
                errors.append((status, booking))
                return
            counts[i] += 1
            status, cancelled, _ = client.call("DELETE", f"/api/v1/bookings/{booking['id']}")
            if status != 200:
                errors.append((status, cancelled))
                return

    started = time.monotonic()
    threads = [threading.Thread(target=loop, args=(i,)) for i in range(len(members))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        sys.exit(f"a request failed: {errors[0]}")
    return sum(counts) / (time.monotonic() - started)


def main():
    stores = ["sqlite", "postgres"] if os.environ.get("STORES", "both") == "both" else [os.environ["STORES"]]
    print("| store | members | bookings/s (book + cancel pairs) | runs |")
    print("|---|---|---|---|")
    for store in stores:
        server, port, log_path = start_server(store)
        try:
            members = [member(port, log_path, n) for n in range(MEMBERS)]
            chosen = sessions(port, MEMBERS)
            rates = [run(port, members, chosen) for _ in range(3)]
            print(f"| {store} | {MEMBERS} | {statistics.median(rates):,.0f} | {', '.join(f'{r:,.0f}' for r in rates)} |", flush=True)
        finally:
            server.terminate()
            server.wait(timeout=30)


main()
