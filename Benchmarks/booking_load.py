"""The load behind Benchmarks/booking-load (which sets the environment this reads)."""
import base64, hashlib, hmac, http.client, json, os, re, secrets, socket, statistics, subprocess, sys, tempfile, threading, time, uuid
from datetime import datetime, timedelta, timezone

BIN, REPO = os.environ["STUDIOLOOP_BIN"], os.environ["REPO"]
SECONDS = float(os.environ.get("SECONDS_PER_RUN", "5"))
MEMBERS = int(os.environ.get("MEMBERS", "16"))
WEBHOOK_SECRET = "whsec_" + base64.b64encode(b"booking-load sandbox secret, 32 bytes+").decode()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def postgres_database():
    """A fresh database owned by the application's role, and its URL logging in as that role."""
    admin, role = os.environ["STUDIOLOOP_TEST_POSTGRES_URL"], os.environ["STUDIOLOOP_TEST_POSTGRES_APP_ROLE"]
    name = "load_" + uuid.uuid4().hex
    subprocess.run(["psql", admin, "-qc", f"CREATE DATABASE {name} OWNER {role}"], check=True)
    return admin.rsplit("/", 1)[0].replace("//postgres@", f"//{role}@") + "/" + name


class Client:
    def __init__(self, port, token=None):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.token = token

    def call(self, method, path, body=None, headers=None):
        h = dict(headers or {})
        if self.token:
            h["Authorization"] = "Bearer " + self.token
        data = None
        if body is not None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        self.connection.request(method, path, body=data, headers=h)
        response = self.connection.getresponse()
        text = response.read()
        return response.status, (json.loads(text) if text else {})


def webhook(payment_id):
    body = json.dumps({"type": "payment.succeeded", "payload": {"metadata": {"payment_id": payment_id}}}).encode()
    event, stamp = "evt_" + uuid.uuid4().hex, str(int(time.time()))
    key = base64.b64decode(WEBHOOK_SECRET[len("whsec_"):])
    mac = base64.b64encode(hmac.new(key, f"{event}.{stamp}.".encode() + body, hashlib.sha256).digest()).decode()
    return body, {"webhook-id": event, "webhook-timestamp": stamp, "webhook-signature": "v1," + mac}


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


def verification_code(log_path, user_id):
    """The code development mode printed for `user_id` (members verify a contact before paying)."""
    pattern = re.compile(r"notify (?:email|phone)_verification to " + re.escape(user_id) + r': \{"code":"(\d{6})"')
    for _ in range(150):
        with open(log_path, encoding="utf-8", errors="replace") as log:
            codes = pattern.findall(log.read())
        if codes:
            return codes[-1]
        time.sleep(0.1)
    sys.exit(f"no verification code for {user_id} in {log_path}")


def member(port, log_path, n):
    anonymous = Client(port)
    email = f"load-{n}-{uuid.uuid4().hex[:8]}@example.com"
    status, body = anonymous.call("POST", "/api/v1/auth/register", {
        "email": email, "password": "correct horse battery 9", "first_name": "Load", "last_name": f"Member{n}"})
    assert status == 201, (status, body)
    status, body = anonymous.call("POST", "/api/v1/auth/verify", {"email": email, "code": verification_code(log_path, body["user_id"])})
    assert status == 200, (status, body)
    client = Client(port, body["access_token"])
    status, payment = client.call("POST", "/api/v1/payments/credits/purchase", {"package_id": "credits-40"},
                                  {"Idempotency-Key": uuid.uuid4().hex})
    assert status == 201, (status, payment)
    hook, headers = webhook(payment["payment_id"])
    status, result = anonymous.call("POST", "/api/v1/payments/webhooks/sandbox", hook, headers)
    assert status == 200 and result["result"].startswith("credited"), (status, result)
    return client


def sessions(port, count):
    """Distinct marketplace sessions from 30 hours ahead (so a cancellation refunds in full)."""
    start = (datetime.now(timezone.utc) + timedelta(hours=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    found, cursor = [], None
    while len(found) < count:
        path = f"/api/v1/marketplace/search?lat=-26.2041&lng=28.0473&radius_km=100&limit=50&min_spots=2&max_credits=5&from={start}"
        status, page = Client(port).call("GET", path + (f"&cursor={cursor}" if cursor else ""))
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
            status, booking = client.call("POST", "/api/v1/marketplace/bookings", {"class_schedule_id": session})
            if status != 201:
                errors.append((status, booking))
                return
            counts[i] += 1
            status, cancelled = client.call("DELETE", f"/api/v1/bookings/{booking['id']}")
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
    print(f"| store | members | bookings/s (book + cancel pairs) | runs |")
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
