"""A new member's journey through a Python client generated from /openapi.yaml by
openapi-python-client: register by phone, verify with the code from the outbox, search, buy
credits (settled by the sandbox provider's signed webhook), book through the marketplace,
cancel, and read the booking back as cancelled. Every call goes through the generated client's
typed operations and models; a response the client cannot parse fails the run."""
import base64, hashlib, hmac, json, sqlite3, sys, time, uuid

from studio_loop_api_client import Client, AuthenticatedClient
from studio_loop_api_client.api.default import (
    register, verify_contact, search_classes, purchase_credits, receive_webhook, book_marketplace_session,
    cancel_booking, get_booking, get_credits, list_my_bookings,
)
from studio_loop_api_client.models import RegisterBody, VerifyContactBody, PurchaseCreditsBody, NewBooking, Tokens, Booking

base_url, store_path, sandbox_secret = sys.argv[1], sys.argv[2], sys.argv[3]


def expect(condition, what):
    if not condition:
        sys.exit(f"journey failed: {what}")


def outbox(kind, user):
    """The newest account message of `kind` to `user`, as the WhatsApp adapter would send it."""
    for _ in range(100):
        row = sqlite3.connect(store_path).execute(
            "SELECT payload FROM outbox WHERE kind = ? AND user_id = ? ORDER BY created_at DESC LIMIT 1", (kind, user)
        ).fetchone()
        if row:
            return json.loads(row[0])
        time.sleep(0.1)
    sys.exit(f"journey failed: no {kind} message for {user}")


anonymous = Client(base_url=base_url, raise_on_unexpected_status=True)
phone = "+27" + str(820000000 + uuid.uuid4().int % 9999999)
signed_up = register.sync(client=anonymous, body=RegisterBody(phone=phone, password="first week 7", first_name="Naledi", last_name="Mokoena"))
expect(isinstance(signed_up, Tokens), f"register: {signed_up}")
code = outbox("phone_verification", signed_up.user_id)["code"]
tokens = verify_contact.sync(client=anonymous, body=VerifyContactBody(phone=phone, code=code))
expect(isinstance(tokens, Tokens), f"verify: {tokens}")
member = AuthenticatedClient(base_url=base_url, token=tokens.access_token, raise_on_unexpected_status=True)

page = search_classes.sync(client=anonymous, location="-26.2041,28.0473", radius_km=25, limit=20)
expect(page is not None and len(page.results) > 0, f"search: {page}")
session = page.results[0].session_id

purchase = purchase_credits.sync(client=member, body=PurchaseCreditsBody(package_id="credits-10"), idempotency_key=str(uuid.uuid4()))
expect(purchase is not None and purchase.status == "pending", f"purchase: {purchase}")

# The sandbox provider confirms the payment with a Standard Webhooks signature.
body = json.dumps({"type": "payment.succeeded", "payload": {"metadata": {"payment_id": purchase.payment_id}}}).encode()
event, stamp = "evt_" + uuid.uuid4().hex, str(int(time.time()))
key = base64.b64decode(sandbox_secret.removeprefix("whsec_"))
signature = base64.b64encode(hmac.new(key, f"{event}.{stamp}.".encode() + body, hashlib.sha256).digest()).decode()
settled = anonymous.get_httpx_client().post(
    "/api/v1/payments/webhooks/sandbox", content=body,
    headers={"content-type": "application/json", "webhook-id": event, "webhook-timestamp": stamp, "webhook-signature": f"v1,{signature}"},
)
expect(settled.status_code == 200, f"webhook: {settled.status_code} {settled.text}")
credits = get_credits.sync(client=member, user_id="me")  # the generator names the field credits_ (a Python builtin)
expect(credits is not None and any(b.universal and b.credits_ == 10 for b in credits.balances), f"credits: {credits}")

booked = book_marketplace_session.sync(client=member, body=NewBooking(class_schedule_id=session))
expect(isinstance(booked, Booking) and booked.status == "confirmed", f"book: {booked}")
expect(booked.qr_code and booked.class_schedule_id == session, "the booking carries its QR code and session")
cancelled = cancel_booking.sync(client=member, id=booked.id)
expect(cancelled is not None, "cancel")
read = get_booking.sync(client=member, id=booked.id)
expect(isinstance(read, Booking) and read.status == "cancelled", f"read back: {read}")
mine = list_my_bookings.sync(client=member, user_id="me")
expect(mine is not None and mine.bookings[0].id == booked.id, f"my bookings: {mine}")
print(f"journey: signed up {phone}, verified, found {len(page.results)} sessions, bought 10 credits, booked and cancelled {booked.id}")
