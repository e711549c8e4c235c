"""Verifies StudioLoop check-in codes as a staff device would with no network: with nothing but
the gym's published JWK Set and Python's `cryptography` (a third-party Ed25519), following the
format the API documents at GET /tenants/{slug}/checkin-key.

    python3 verify.py <codes.json> <keys.json> <booking id>

Fails unless the booking's code verifies and names its booking, session and gym, and a tampered
code, an expired one and one under an unpublished key all fail."""
import base64
import json
import struct
import sys
import uuid

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


class Refused(Exception):
    pass


def b64url(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def read_id(data, at):
    head = data[at]
    length = head & 0x7F
    body = data[at + 1:at + 1 + length]
    if len(body) != length:
        raise Refused("truncated")
    if head & 0x80:
        if length != 16:
            raise Refused("bad uuid")
        return str(uuid.UUID(bytes=bytes(body))), at + 1 + length
    return body.decode("utf-8"), at + 1 + length


def verify(code, jwks, now):
    """The code's claims if it is genuine and unexpired at `now`, else Refused."""
    data = b64url(code)
    if len(data) < 5 + 64 or data[0] != 1:
        raise Refused("not a check-in code")
    kid = data[1:5].hex()
    at = 5
    booking, at = read_id(data, at)
    session, at = read_id(data, at)
    gym, at = read_id(data, at)
    if len(data) != at + 8 + 64:
        raise Refused("bad length")
    (expires,) = struct.unpack(">q", data[at:at + 8])
    keys = {k["kid"]: k for k in jwks["keys"] if k["kty"] == "OKP" and k["crv"] == "Ed25519"}
    if kid not in keys:
        raise Refused("unknown key " + kid)
    key = Ed25519PublicKey.from_public_bytes(b64url(keys[kid]["x"]))
    try:
        key.verify(data[at + 8:], data[:at + 8])
    except InvalidSignature:
        raise Refused("bad signature")
    if now > expires:
        raise Refused("expired")
    return {"booking": booking, "session": session, "gym": gym, "expires": expires}


def main():
    codes = json.load(open(sys.argv[1]))["codes"]
    jwks = json.load(open(sys.argv[2]))
    booking = sys.argv[3]
    mine = [c for c in codes if c["booking_id"] == booking]
    assert len(mine) == 1, f"the booking's code is not among {len(codes)} codes"
    entry = mine[0]
    code = entry["code"]
    claims = verify(code, jwks, now=0)
    assert claims["booking"] == booking and claims["session"] == entry["session_id"] and claims["gym"] == entry["tenant_id"], claims
    # Every changed byte fails: the ids, the expiry, the key id, the signature.
    raw = bytearray(b64url(code))
    for index in range(len(raw)):
        raw[index] ^= 0x01
        tampered = base64.urlsafe_b64encode(bytes(raw)).decode().rstrip("=")
        raw[index] ^= 0x01
        try:
            verify(tampered, jwks, now=0)
        except (Refused, ValueError, UnicodeDecodeError):
            continue
        raise AssertionError(f"a code with byte {index} changed verified")
    try:
        verify(code, jwks, now=claims["expires"] + 1)
        raise AssertionError("an expired code verified")
    except Refused as refused:
        assert str(refused) == "expired", refused
    other = {"keys": [dict(k, kid="00000000") for k in jwks["keys"]]}
    try:
        verify(code, other, now=0)
        raise AssertionError("a code verified under a key that was not published")
    except Refused:
        pass
    print(f"offline check-in: the code ({len(code)} characters, key {b64url(code)[1:5].hex()}) verified with "
          f"Python's cryptography and the {len(jwks['keys'])} published keys; {len(raw)} tampered variants, the expired code "
          "and an unpublished key were refused")


main()
