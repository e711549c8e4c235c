"""The discovery pages in a real headless Chromium (Debian's, driven by Selenium through Debian's
chromedriver; nothing is downloaded): a new visitor searches "yoga" in Johannesburg, reads the
results, shares the address, opens a gym's page. A phone-sized window (360 px) never scrolls
sideways. A screenshot of each step goes to the screenshots folder.

    python3 discovery.py <base url> <screenshots folder>"""
import os
import sys
import urllib.parse

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ready
from selenium.webdriver.support.ui import Select, WebDriverWait

from chromium import Phone

base, shots = sys.argv[1], sys.argv[2]
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

    browser.find_element(By.NAME, "q").send_keys("yoga")
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
    fits_the_phone()
    shot("gym")
    print(f"browser: searched yoga in Johannesburg ({len(results)} results), opened {gym}; {phone.step} screenshots in {shots}")
finally:
    phone.quit()
