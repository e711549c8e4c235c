"""The discovery pages in a real headless Chromium (Debian's, driven by Selenium through Debian's
chromedriver; nothing is downloaded): a new visitor searches "yoga" in Johannesburg, reads the
results, shares the address, opens a gym's page; words are suggested as they are typed, the
results show on a map (OpenStreetMap's tiles, or the map drawn on the server where the tiles do
not load), and so does the gym on its page; a booking elsewhere changes the spots shown without a
reload, and "Near me" searches from the device's position. A phone-sized window (360 px) never
scrolls sideways. A screenshot of each step goes to the screenshots folder.

    python3 discovery.py <base url> <screenshots folder>"""
import json
import os
import sys
import urllib.parse
import urllib.request

from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ready
from selenium.webdriver.support.ui import Select, WebDriverWait

from chromium import Phone

base, shots = sys.argv[1], sys.argv[2]


def api(method, path, body=None, token=None):
    request = urllib.request.Request(base + "/api/v1" + path, method=method, data=None if body is None else json.dumps(body).encode())
    request.add_header("content-type", "application/json")
    if token:
        request.add_header("authorization", "Bearer " + token)
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read() or b"{}")

phone = Phone(shots)
browser, shot, fits_the_phone = phone.browser, phone.shot, phone.fits


try:
    browser.get(base + "/")
    assert "Find a fitness class" in browser.title, browser.title
    fits_the_phone()
    # Every control has its label.
    for control in browser.find_elements(By.CSS_SELECTOR, "form.search input, form.search select"):
        assert control.find_elements(By.XPATH, "ancestor::label"), f"{control.get_attribute('name')} has no label"
    shot("discovery")

    # Suggestions as you type.
    browser.find_element(By.NAME, "q").send_keys("yo")
    WebDriverWait(browser, 10).until(lambda b: "yoga" in b.execute_script(
        "return [...document.querySelectorAll('#suggestions option')].map(o => o.value)"))
    browser.find_element(By.NAME, "q").send_keys("ga")
    Select(browser.find_element(By.NAME, "area")).select_by_value("city:Johannesburg")
    shot("search-typed")
    browser.find_element(By.CSS_SELECTOR, "form.search button[type=submit]").click()
    WebDriverWait(browser, 10).until(ready.presence_of_element_located((By.CSS_SELECTOR, "li.result")))
    results = browser.find_elements(By.CSS_SELECTOR, "li.result")
    assert results, "no results for yoga in Johannesburg"
    first = results[0]
    assert "credit" in first.text and " km" in first.text, first.text
    query = urllib.parse.parse_qs(urllib.parse.urlparse(browser.current_url).query)
    assert query.get("q") == ["yoga"] and query.get("area") == ["city:Johannesburg"], browser.current_url
    fits_the_phone()
    shot("results")

    # The map: Leaflet with tiles, or (tiles unreachable) the map drawn on the server.
    def mapped(b):
        if b.find_elements(By.CSS_SELECTOR, ".tiled-map .leaflet-tile-loaded"):
            return "tiles"
        drawn = b.find_elements(By.CSS_SELECTOR, "#results-map svg.map")
        fell_back = b.execute_script("return !!window.L") and not b.find_elements(By.CSS_SELECTOR, ".tiled-map")
        return "drawn" if drawn and drawn[0].is_displayed() and fell_back else None
    try:
        which_map = WebDriverWait(browser, 20).until(mapped)
    except TimeoutException:  # no Leaflet at all: the drawn map never left
        assert browser.find_element(By.CSS_SELECTOR, "#results-map svg.map").is_displayed()
        which_map = "drawn"
    pins = browser.find_elements(By.CSS_SELECTOR, ".leaflet-interactive" if which_map == "tiles" else "#results-map g.pin")
    assert len(pins) == len(results), (which_map, len(pins), len(results))
    browser.execute_script("document.querySelector('.tiled-map, #results-map').scrollIntoView()")
    shot("results-map")

    # A booking made elsewhere shows in the spots without a reload.
    spots = browser.find_element(By.CSS_SELECTOR, "li.result .spots")
    session, shown = spots.get_attribute("data-session"), spots.text
    member = api("POST", "/auth/login", {"email": "member@demo.studioloop.africa", "password": "studioloop-demo-1"})["access_token"]
    booking = api("POST", "/marketplace/bookings", {"class_schedule_id": session}, member)
    browser.execute_script("document.dispatchEvent(new Event('visibilitychange'))")
    WebDriverWait(browser, 10).until(lambda b: b.find_element(By.CSS_SELECTOR, "li.result .spots").text != shown)
    assert "changed" in spots.get_attribute("class")
    api("DELETE", f"/bookings/{booking['id']}", None, member)

    # The address reproduces the search for whoever it is shared with.
    shared = browser.current_url
    browser.get(base + "/")
    browser.get(shared)
    assert len(browser.find_elements(By.CSS_SELECTOR, "li.result")) == len(results)

    gym = browser.find_element(By.CSS_SELECTOR, "li.result a.gym").text
    browser.find_element(By.CSS_SELECTOR, "li.result a.gym").click()
    WebDriverWait(browser, 10).until(ready.presence_of_element_located((By.TAG_NAME, "h1")))
    assert browser.find_element(By.TAG_NAME, "h1").text == gym, (browser.find_element(By.TAG_NAME, "h1").text, gym)
    assert browser.find_elements(By.CSS_SELECTOR, "ul.timetable li"), "the gym's timetable is empty"
    assert browser.find_element(By.CSS_SELECTOR, 'meta[property="og:title"]').get_attribute("content").startswith(gym)
    # Where the gym is: the tiles where they load, else the map drawn on the server.
    WebDriverWait(browser, 20).until(lambda b: b.find_elements(By.CSS_SELECTOR, ".tiled-map .leaflet-interactive")
                                     or (b.find_elements(By.CSS_SELECTOR, "[data-testid=gym-map] svg.map")
                                         and b.find_element(By.CSS_SELECTOR, "[data-testid=gym-map]").is_displayed()))
    fits_the_phone()
    shot("gym")

    # Near me: the device's position, asked for only on the tap.
    browser.execute_cdp_cmd("Browser.grantPermissions", {"origin": base, "permissions": ["geolocation"]})
    browser.execute_cdp_cmd("Emulation.setGeolocationOverride", {"latitude": -26.1457, "longitude": 28.0416, "accuracy": 30})
    browser.get(base + "/?q=yoga")
    browser.find_element(By.CSS_SELECTOR, "[data-testid=near-me]").click()
    WebDriverWait(browser, 10).until(ready.url_contains("near=-26.1457%2C28.0416"))
    assert browser.find_elements(By.CSS_SELECTOR, "li.result"), "nothing near the device"
    shot("near-me")
    # The keyboard alone: every control of the search form takes the focus in turn, and Enter
    # on the button searches.
    browser.get(base + "/?area=city:Johannesburg")
    browser.find_element(By.NAME, "q").click()
    browser.switch_to.active_element.send_keys("yoga")
    controls = browser.execute_script(
        "return [...document.querySelectorAll('form.search input, form.search select, form.search button')]"
        ".filter(e => !e.hidden && e.type !== 'hidden' && e.offsetParent !== null).map(e => e.name || e.type)")
    reached = []
    for _ in range(len(controls) + 10):  # a date box takes a Tab for each of its fields
        active = browser.switch_to.active_element
        name = active.get_attribute("name") or active.get_attribute("type")
        if not reached or reached[-1] != name:
            reached.append(name)
        if active.get_attribute("type") == "submit":
            break
        active.send_keys(Keys.TAB)
    assert reached == controls, f"the focus went {reached}, the form has {controls}"
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    WebDriverWait(browser, 10).until(ready.presence_of_element_located((By.CSS_SELECTOR, "li.result")))
    shot("keyboard")
    print(f"browser: searched yoga in Johannesburg ({len(results)} results) with suggestions as typed, on the {which_map} map, "
          f"saw a booking change the spots live, opened {gym} and its map, searched near the device, then with the keyboard alone; {phone.step} screenshots in {shots}")
finally:
    phone.quit()
