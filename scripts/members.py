"""What the load scripts share (scripts/fault-campaign, Benchmarks/booking-load): an HTTP client
that keeps its connection, and members who sign up, prove their email with the code development
mode prints, and buy credits through the sandbox's signed webhook, as a real member would."""
import base64, hashlib, hmac, http.client, json, re, socket, sys, time, uuid


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Client:
    def __init__(self, port, token=None, timeout=20):
        self.port, self.token, self.timeout, self.connection = port, token, timeout, None

    def call(self, method, path, body=None, headers=None):
        """(status, JSON body, response); status "conn" when the connection failed."""
        h = dict(headers or {})
        if self.token:
            h["Authorization"] = "Bearer " + self.token
        data = None
        if body is not None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        try:
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            self.connection.request(method, path, body=data, headers=h)
            response = self.connection.getresponse()
            text = response.read()
            if response.getheader("Connection", "").lower() == "close":
                self.connection.close()
                self.connection = None
            try:
                parsed = json.loads(text) if text else {}
            except ValueError:
                parsed = {"raw": text[:200].decode(errors="replace")}
            return response.status, parsed, response
        except (OSError, http.client.HTTPException) as error:
            if self.connection:
                self.connection.close()
            self.connection = None
            return "conn", {"error": str(error)}, None


def verification_code(log_paths, user_id):
    """The code development mode printed for `user_id`, in whichever server's log."""
    pattern = re.compile(r"notify (?:email|phone)_verification to " + re.escape(user_id) + r': \{"code":"(\d{6})"')
    for _ in range(200):
        for path in log_paths:
            with open(path, encoding="utf-8", errors="replace") as log:
                codes = pattern.findall(log.read())
            if codes:
                return codes[-1]
        time.sleep(0.1)
    sys.exit(f"no verification code for {user_id} in {', '.join(log_paths)}")


def webhook(payment_id, secret):
    """The sandbox provider's signed `payment.succeeded` for `payment_id` (Standard Webhooks)."""
    body = json.dumps({"type": "payment.succeeded", "payload": {"metadata": {"payment_id": payment_id}}}).encode()
    event, stamp = "evt_" + uuid.uuid4().hex, str(int(time.time()))
    key = base64.b64decode(secret[len("whsec_"):])
    mac = base64.b64encode(hmac.new(key, f"{event}.{stamp}.".encode() + body, hashlib.sha256).digest()).decode()
    return body, {"webhook-id": event, "webhook-timestamp": stamp, "webhook-signature": "v1," + mac}


def paid_member(port, log_paths, name, webhook_secret):
    """A member signed up, verified and holding the 40-credit pack: (user id, signed-in client)."""
    anonymous = Client(port)
    email = f"{name}-{uuid.uuid4().hex[:8]}@example.com"
    status, body, _ = anonymous.call("POST", "/api/v1/auth/register", {
        "email": email, "password": "correct horse battery 9", "first_name": "Load", "last_name": name})
    assert status == 201, (status, body)
    user_id = body["user_id"]
    status, body, _ = anonymous.call("POST", "/api/v1/auth/verify", {"email": email, "code": verification_code(log_paths, user_id)})
    assert status == 200, (status, body)
    client = Client(port, body["access_token"])
    status, payment, _ = client.call("POST", "/api/v1/payments/credits/purchase", {"package_id": "credits-40"},
                                     {"Idempotency-Key": uuid.uuid4().hex})
    assert status == 201, (status, payment)
    hook, headers = webhook(payment["payment_id"], webhook_secret)
    status, result, _ = anonymous.call("POST", "/api/v1/payments/webhooks/sandbox", hook, headers)
    assert status == 200 and result["result"].startswith("credited"), (status, result)
    return user_id, client
