"""The members' pages in a real headless Chromium, on a phone's screen.

1. The seed's direct-booking spec (e2e/specs/booking/direct-booking.spec.ts), step by step, as
   the demo member: log in, open the gym's classes, pick a class, book it, see `booking-success`
   and `qr-code`, find it under my bookings; an expensive class says "Insufficient credits for
   this class" with a purchase button; cancel a booking inside the window and see it cancelled.
2. A new visitor searches "yoga" near Johannesburg, opens a gym, signs up with the code from the
   server's output, pays in the sandbox checkout, books, and sees the QR code; zbarimg (Debian's
   zbar-tools) reads the code back from a screenshot and it equals the booking's check-in code;
   with the network off, My classes and its QR code still open from the service worker's cache.
3. The gym's owner signs in to the dashboard, opens the session's roster, checks the member in
   with the code zbarimg read, undoes it, checks them in by name, adds a class with its weekly
   times, and finds the booking in the analytics; the member's booking then says "Checked in".

    python3 journey.py <base url> <screenshots folder> <server log>"""
import json
import re
import subprocess
import sys
import time
import urllib.request
from datetime import datetime, timedelta, timezone

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ready
from selenium.webdriver.support.ui import WebDriverWait

from chromium import Phone
from outage import Relay

base, shots, log = sys.argv[1], sys.argv[2], sys.argv[3]
# The browser reaches the server through a relay the test can cut (a door with no network);
# the API calls of the script itself go straight to the server.
relay = Relay(int(base.rsplit(":", 1)[1]))
site = f"http://127.0.0.1:{relay.port}"
DEMO_PASSWORD = "studioloop-demo-1"


def api(method, path, body=None, token=None):
    request = urllib.request.Request(base + "/api/v1" + path, method=method, data=None if body is None else json.dumps(body).encode())
    request.add_header("content-type", "application/json")
    if token:
        request.add_header("authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def sign_in(email):
    status, tokens = api("POST", "/auth/login", {"email": email, "password": DEMO_PASSWORD})
    assert status == 200, tokens
    return tokens["access_token"]


def soon(minutes):
    return (datetime.now(timezone.utc) + timedelta(minutes=minutes)).replace(second=0, microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def code_for(contact, after):
    """The newest verification code the log channel printed after line `after`."""
    for _ in range(100):
        lines = open(log).read().splitlines()[after:]
        codes = [re.search(r'"code":"(\d{6})"', line) for line in lines if "_verification to" in line]
        codes = [c.group(1) for c in codes if c]
        if codes:
            return codes[-1]
        time.sleep(0.3)
    raise AssertionError(f"no verification code for {contact} in the server's output")


# The gyms' side, through the API as their apps would: the demo owner opens a yoga studio in
# Rosebank with a class starting in 20 minutes (inside the check-in window), and adds an
# expensive class to the demo gym.
owner = sign_in("owner@demo.studioloop.africa")
status, profile = api("GET", "/users/profile", token=owner)
demo_gym = next(r["tenant_slug"] for r in profile["roles"] if r["role"] == "owner")
slug = "jozi-yoga-loft-" + str(int(time.time()))
status, gym = api("POST", "/tenants", {
    "name": "Jozi Yoga Loft", "slug": slug, "email": "hello@jozi-yoga.example", "phone": "+27 11 555 0100",
    "address": {"street": "12 Baker St", "suburb": "Rosebank", "city": "Johannesburg", "province": "Gauteng", "postal_code": "2196", "country": "South Africa"},
    "location": {"lat": -26.1457, "lng": 28.0416}, "timezone": "Africa/Johannesburg", "marketplace_enabled": True,
}, owner)
assert status == 201, gym
status, yoga = api("POST", f"/tenants/{slug}/classes", {
    "name": "Sunrise Vinyasa Yoga", "class_type": "yoga", "duration_minutes": 60, "max_capacity": 12, "credits_required": 3, "weekly_slots": [],
}, owner)
assert status == 201, yoga
session_start = soon(20)
status, session = api("POST", f"/tenants/{slug}/schedules", {"class_id": yoga["id"], "start_time": session_start}, owner)
assert status == 201, session
status, premium = api("POST", f"/tenants/{demo_gym}/classes", {
    "name": "Premium Personal Training", "class_type": "strength", "duration_minutes": 60, "max_capacity": 1, "credits_required": 100, "weekly_slots": [],
}, owner)
assert status == 201, premium
status, expensive = api("POST", f"/tenants/{demo_gym}/schedules", {"class_id": premium["id"], "start_time": soon(24 * 60)}, owner)
assert status == 201, expensive

phone = Phone(shots)
browser, shot = phone.browser, phone.shot
wait = WebDriverWait(browser, 15)


def visible(test_id):
    element = wait.until(ready.visibility_of_element_located((By.CSS_SELECTOR, f'[data-testid="{test_id}"]')))
    return element


def fill(name, value):
    field = browser.find_element(By.NAME, name)
    field.clear()
    field.send_keys(value)


try:
    # 1. The seed's direct-booking spec.
    browser.get(site + "/login")
    fill("contact", "member@demo.studioloop.africa")
    fill("password", DEMO_PASSWORD)
    shot("spec-login")
    browser.find_element(By.ID, "login").click()
    wait.until(ready.url_to_be(site + "/me"))  # the seed's /dashboard: a member's is My classes
    browser.get(f"{site}/gyms/{demo_gym}")  # navigateToGymClasses
    link = next(a for a in browser.find_elements(By.CSS_SELECTOR, "ul.timetable li")
                if "Full" not in a.text and "Premium" not in a.text).find_element(By.CSS_SELECTOR, "a.class")
    class_name = link.text
    link.click()  # selectClass
    assert visible("class-title").text == class_name
    visible("instructor-name")
    visible("class-time")
    shot("spec-class")
    visible("book-button").click()  # clickBookButton; the page it is on states the price and the rule: the confirmation
    visible("booking-success")
    visible("qr-code")
    shot("spec-booked")
    browser.find_element(By.LINK_TEXT, "My classes").click()  # navigateToMyBookings
    visible(f"booking-{class_name}")
    shot("spec-my-bookings")

    browser.get(f"{site}/sessions/{expensive['id']}")  # should handle insufficient credits gracefully
    assert visible("error-message").text == "Insufficient credits for this class"
    visible("purchase-credits-button")
    shot("spec-insufficient")

    browser.get(site + "/me")  # should allow booking cancellation within the cancellation window
    browser.find_elements(By.CSS_SELECTOR, '[data-testid="cancel-booking"]')[0].click()
    shot("spec-cancel-rule")
    visible("confirm-cancellation").click()
    visible("cancellation-success")
    assert browser.find_elements(By.CSS_SELECTOR, '[data-testid="booking-status"]')[0].text == "Cancelled"
    shot("spec-cancelled")
    browser.find_element(By.CSS_SELECTOR, "form.inline button").click()  # sign out
    wait.until(ready.presence_of_element_located((By.LINK_TEXT, "Sign in")))

    # 2. A new visitor, from the search to the door.
    browser.get(site + "/")
    fill("q", "yoga")
    fill("near", "-26.1457,28.0416")
    browser.find_element(By.CSS_SELECTOR, "form.search button[type=submit]").click()
    wait.until(ready.presence_of_element_located((By.CSS_SELECTOR, "li.result")))
    shot("visitor-results")
    result = next(r for r in browser.find_elements(By.CSS_SELECTOR, "li.result") if "Jozi Yoga Loft" in r.text)
    result.find_element(By.CSS_SELECTOR, "a.gym").click()
    assert browser.find_element(By.TAG_NAME, "h1").text == "Jozi Yoga Loft"
    shot("visitor-gym")
    browser.find_element(By.CSS_SELECTOR, f'a[href="/sessions/{session["id"]}"]').click()
    browser.find_element(By.ID, "signup").click()
    email = f"thandi-{int(time.time())}@example.com"
    fill("first_name", "Thandi")
    fill("last_name", "Nkosi")
    fill("contact", email)
    fill("password", "jozi runner 4")
    shot("visitor-signup")
    lines_before = len(open(log).read().splitlines())
    browser.find_element(By.ID, "signup").click()
    wait.until(ready.url_contains("/verify"))
    fill("code", code_for(email, lines_before))
    shot("visitor-code")
    browser.find_element(By.ID, "verify").click()
    wait.until(ready.url_contains(f"/sessions/{session['id']}"))
    assert visible("error-message").text == "Insufficient credits for this class"
    visible("purchase-credits-button").click()
    browser.find_element(By.CSS_SELECTOR, 'input[name="package_id"][value="credits-5"]').click()
    shot("visitor-buy")
    browser.find_element(By.ID, "checkout").click()
    wait.until(ready.url_contains("/sandbox/checkout/"))
    shot("visitor-checkout")
    browser.find_element(By.ID, "pay").click()
    assert "credited 5 credits" in wait.until(ready.presence_of_element_located((By.ID, "result"))).text
    browser.get(f"{site}/sessions/{session['id']}")
    visible("book-button").click()
    visible("booking-success")
    qr = visible("qr-code")
    code = browser.find_element(By.CSS_SELECTOR, "code[data-code]").get_attribute("data-code")
    shot("visitor-booked")
    # The QR code as a door's scanner sees it: a picture of the screen.
    picture = shot("visitor-qr")
    qr.screenshot(picture)
    decoded = subprocess.run(["zbarimg", "--quiet", "--raw", picture], capture_output=True, text=True).stdout.strip()
    assert decoded == code, f"zbarimg read {decoded!r}, the booking's code is {code!r}"
    booking_url = browser.current_url.split("?")[0]

    # At a door with no network: My classes, kept on the phone by the service worker.
    browser.get(site + "/me")
    WebDriverWait(browser, 15).until(lambda b: b.execute_script("return !!navigator.serviceWorker.controller"))
    browser.refresh()  # this load goes through the worker, which keeps it
    visible("qr-code")
    time.sleep(0.5)
    relay.pull()
    browser.get(site + "/me/bookings/never-opened")
    assert "You are offline" in browser.find_element(By.TAG_NAME, "body").text, "the network is really off"
    browser.get(site + "/me")
    assert visible("qr-code").find_element(By.TAG_NAME, "svg"), "the QR code, offline"
    shot("visitor-offline")
    relay.plug()
    browser.get(booking_url)
    browser.find_element(By.CSS_SELECTOR, "form.inline button").click()  # sign out
    wait.until(ready.presence_of_element_located((By.LINK_TEXT, "Sign in")))

    # 3. The owner at the front desk: the roster on the dashboard, the QR code the door read
    # typed into its code field (as a scanner types it), a mistake undone, then check-in by name.
    browser.get(site + "/login?next=/dashboard")
    fill("contact", "owner@demo.studioloop.africa")
    fill("password", DEMO_PASSWORD)
    browser.find_element(By.ID, "login").click()
    wait.until(ready.url_to_be(site + "/dashboard"))  # two gyms: a choice
    browser.find_element(By.LINK_TEXT, "Jozi Yoga Loft").click()
    # The desk opens on today in the gym's own time (Johannesburg, UTC+2 all year); from 23:40
    # there the session, 20 minutes ahead, is tomorrow's, and the desk is asked for that day as
    # a clerk would pick it.
    johannesburg = timezone(timedelta(hours=2))
    session_day = datetime.fromisoformat(session_start.replace("Z", "+00:00")).astimezone(johannesburg).date().isoformat()
    if session_day != datetime.now(johannesburg).date().isoformat():
        browser.get(browser.current_url.split("?")[0] + "?date=" + session_day)
    visible("session-Sunrise Vinyasa Yoga").click()
    assert "Thandi Nkosi" in visible("roster").text
    phone.fits()
    shot("owner-roster")
    fill("code", decoded)
    visible("checkin-submit").click()
    assert visible("checkin-notice").text == "Thandi Nkosi is checked in."
    assert "by QR code" in visible("roster").text
    shot("owner-checked-in-by-qr")
    browser.find_element(By.XPATH, "//button[text()='Undo']").click()
    visible("checkin-Thandi Nkosi").click()
    assert visible("checkin-notice").text == "Thandi Nkosi is checked in."
    assert "by name" in visible("roster").text
    shot("owner-checked-in-by-name")
    # The week ahead: a new class on the timetable editor.
    browser.find_element(By.LINK_TEXT, "Classes").click()
    fill("name", "Lunchtime Yin")
    fill("duration_minutes", "45")
    fill("credits_required", "2")
    fill("slots_2", "12:30")
    fill("slots_4", "12:30")
    phone.fits()
    visible("add-class").click()
    assert "Class added, with" in visible("classes-notice").text
    assert "Tue 12:30, Thu 12:30" in visible("classes").text
    shot("owner-classes")
    browser.find_element(By.LINK_TEXT, "Analytics").click()
    assert visible("bookings").text == "1" and visible("checked-in").text == "1", browser.page_source
    assert "Sunrise Vinyasa Yoga" in browser.find_element(By.TAG_NAME, "main").text
    visible("heat-map")
    phone.fits()
    phone.page_shot("owner-analytics")
    browser.find_element(By.CSS_SELECTOR, "form.inline button").click()  # sign out
    wait.until(ready.presence_of_element_located((By.LINK_TEXT, "Sign in")))

    # The member sees it too.
    browser.get(site + "/login?next=" + booking_url.replace(site, ""))
    fill("contact", email)
    fill("password", "jozi runner 4")
    browser.find_element(By.ID, "login").click()
    assert visible("booking-status").text == "Checked in"
    shot("visitor-checked-in")
    print(f"browser: the seed's direct-booking spec passed (booked and cancelled {class_name!r}); a new member searched yoga, "
          f"signed up, paid in the sandbox, booked Sunrise Vinyasa Yoga; the owner checked them in on the dashboard with the code zbarimg read, "
          f"undid it, checked them in by name, and read the booking in the analytics; "
          f"{phone.step} screenshots in {shots}")
finally:
    phone.quit()
