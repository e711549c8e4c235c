"""The measurement behind Benchmarks/notify-fanout (which sets STUDIOLOOP_TEST_POSTGRES_URL).

How many servers can LISTEN to one primary: N listeners, each a libpq connection as a server's
`ChangeListener` holds one, and pgbench committing what a booking commits (a session's spots
changed and `pg_notify` with a payload of the size the server sends) as fast as 4 clients can.
For each N: commits a second, and the delay from commit to each listener's hearing it
(p50 / p99 / max), and whether every listener heard every notification."""
import ctypes, ctypes.util, os, select, subprocess, tempfile, threading, time

ADMIN = os.environ["STUDIOLOOP_TEST_POSTGRES_URL"]
SECONDS = float(os.environ.get("SECONDS_PER_RUN", "10"))
COUNTS = [int(n) for n in os.environ.get("LISTENERS", "0,1,4,16,64").split(",")]
CHANNEL = "studioloop_session_changes"

pq = ctypes.CDLL(ctypes.util.find_library("pq"))
pq.PQconnectdb.restype = ctypes.c_void_p
pq.PQconnectdb.argtypes = [ctypes.c_char_p]
pq.PQstatus.argtypes = [ctypes.c_void_p]
pq.PQexec.restype = ctypes.c_void_p
pq.PQexec.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
pq.PQclear.argtypes = [ctypes.c_void_p]
pq.PQsocket.argtypes = [ctypes.c_void_p]
pq.PQconsumeInput.argtypes = [ctypes.c_void_p]


class PGnotify(ctypes.Structure):
    _fields_ = [("relname", ctypes.c_char_p), ("be_pid", ctypes.c_int), ("extra", ctypes.c_char_p)]


pq.PQnotifies.restype = ctypes.POINTER(PGnotify)
pq.PQnotifies.argtypes = [ctypes.c_void_p]
pq.PQfreemem.argtypes = [ctypes.c_void_p]
pq.PQfinish.argtypes = [ctypes.c_void_p]


class Listener(threading.Thread):
    """One server's listener: LISTEN, then wait on the socket and read what arrives."""

    def __init__(self, url, stop):
        super().__init__(daemon=True)
        self.connection = pq.PQconnectdb(url.encode())
        assert pq.PQstatus(self.connection) == 0, "cannot connect"
        pq.PQclear(pq.PQexec(self.connection, f"LISTEN {CHANNEL}".encode()))
        self.stop, self.heard, self.delays = stop, 0, []

    def run(self):
        socket = pq.PQsocket(self.connection)
        while not self.stop.is_set():
            ready, _, _ = select.select([socket], [], [], 0.2)
            if not ready:
                continue
            pq.PQconsumeInput(self.connection)
            while True:
                note = pq.PQnotifies(self.connection)
                if not note:
                    break
                sent = float(note.contents.extra.split(b"|", 1)[0])
                self.delays.append(time.time() - sent)
                self.heard += 1
                pq.PQfreemem(note)
        pq.PQfinish(self.connection)


def main():
    database = "fanout_" + str(os.getpid())
    subprocess.run(["psql", ADMIN, "-qc", f"CREATE DATABASE {database}"], check=True)
    url = ADMIN.rsplit("/", 1)[0] + "/" + database
    subprocess.run(["psql", url, "-qc", "CREATE TABLE spots (id int PRIMARY KEY, left_ int NOT NULL, updated bigint NOT NULL);"
                    "INSERT INTO spots SELECT g, 20, 0 FROM generate_series(1, 1000) g"], check=True)
    # What a booking announces: about 200 bytes of JSON, after the commit's own time.
    payload = '{"session":{"sessionId":"6f1c…","tenantId":"0b5e…","classId":"9d2a…","start":1796000000,"spotsLeft":11,"isCancelled":false}}'
    script = tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False)
    script.write("\\set id random(1, 1000)\n"
                 "BEGIN;\n"
                 "UPDATE spots SET left_ = left_ - 1, updated = extract(epoch from clock_timestamp())::bigint WHERE id = :id;\n"
                 f"SELECT pg_notify('{CHANNEL}', extract(epoch from clock_timestamp())::text || '|{payload}');\n"
                 "COMMIT;\n")
    script.close()
    print("| listeners | commits/s (4 clients) | heard by each | delay p50 | delay p99 | delay max |")
    print("|---|---|---|---|---|---|")
    for count in COUNTS:
        stop = threading.Event()
        listeners = [Listener(url, stop) for _ in range(count)]
        for listener in listeners:
            listener.start()
        run = subprocess.run(["pgbench", "-n", "-c", "4", "-j", "2", "-T", str(int(SECONDS)), "-f", script.name, url],
                             capture_output=True, text=True)
        tps = next((line.split("=")[1].split()[0] for line in run.stdout.splitlines() if line.startswith("tps")), "?")
        transactions = next((int(line.split(":")[1]) for line in run.stdout.splitlines()
                             if line.startswith("number of transactions actually processed")), 0)
        time.sleep(1)  # the last notifications on their way
        stop.set()
        for listener in listeners:
            listener.join()
        delays = sorted(d for listener in listeners for d in listener.delays)
        heard = min((listener.heard for listener in listeners), default=transactions)
        ms = lambda q: f"{delays[min(len(delays) - 1, int(q * len(delays)))] * 1000:.1f} ms" if delays else "—"
        print(f"| {count} | {float(tps):,.0f} | {heard:,} of {transactions:,} | {ms(0.5)} | {ms(0.99)} | {ms(1.0) if delays else '—'} |", flush=True)
    subprocess.run(["psql", ADMIN, "-qc", f"DROP DATABASE {database}"], check=True)


main()
