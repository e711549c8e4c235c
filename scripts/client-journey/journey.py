"""A new member's journey through a Python client generated from /openapi.yaml by
openapi-python-client: register by phone, verify with the code from the outbox, search, buy
credits at the sandbox's checkout page (which sends the provider's signed webhook), book through
the marketplace, cancel, read the booking back as cancelled, and refund the purchase. Every call goes through the generated client's
typed operations and models; a response the client cannot parse fails the run."""
import json, sqlite3, sys, time, uuid

from studio_loop_api_client import Client, AuthenticatedClient
from studio_loop_api_client.api.default import (
    register, verify_contact, search_classes, purchase_credits, book_marketplace_session,
    cancel_booking, get_booking, get_credits, list_my_bookings, get_payment, refund_payment,
)
from studio_loop_api_client.models import RegisterBody, VerifyContactBody, PurchaseCreditsBody, NewBooking, Tokens, Booking, Payment, Refund

base_url, store_path = sys.argv[1], sys.argv[2]


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

# Pay at the checkout page, as the member's browser would post its form; the sandbox then sends
# its signed webhook through the same verification as a real provider's.
expect(purchase.checkout_url and purchase.checkout_url.startswith(base_url), f"checkout_url: {purchase.checkout_url}")
paid = anonymous.get_httpx_client().post(purchase.checkout_url, data={"outcome": "pay"}, headers={"accept": "application/json"})
expect(paid.status_code == 200 and paid.json()["result"] == "credited 10 credits", f"checkout: {paid.status_code} {paid.text}")
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
# The unused credits come back as money, in proportion (a late cancel kept its credit).
left = next(b.credits_ for b in get_credits.sync(client=member, user_id="me").balances if b.universal)
refund = refund_payment.sync(client=member, id=purchase.payment_id)
expect(isinstance(refund, Refund) and refund.status == "succeeded" and refund.credits_ == left, f"refund: {refund}")
expect(refund.amount_cents == purchase.amount_cents * left // 10, f"refund amount: {refund}")
payment = get_payment.sync(client=member, id=purchase.payment_id)
expect(isinstance(payment, Payment) and payment.status == "succeeded" and payment.refunds[0].refund_id == refund.refund_id, f"payment: {payment}")
print(f"journey: signed up {phone}, verified, found {len(page.results)} sessions, bought 10 credits at the checkout, "
      f"booked and cancelled {booked.id}, refunded {refund.amount_cents} {refund.currency} cents")
