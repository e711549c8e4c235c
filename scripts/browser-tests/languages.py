"""The pages in French and Arabic in a real headless Chromium: a browser whose Accept-Language
asks for French gets the discovery page in French and searches in it; the footer's picker
switches to Arabic, laid out right to left, and the choice stays for the next page opened
without asking; the picker brings English back. The phone's 360 px never scroll sideways.

    python3 languages.py <base url> <screenshots folder>"""
import sys

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ready
from selenium.webdriver.support.ui import Select, WebDriverWait

from chromium import Phone

base, shots = sys.argv[1], sys.argv[2]
phone = Phone(shots, languages="fr-FR,fr")
browser, shot, fits_the_phone = phone.browser, phone.shot, phone.fits


def page_language():
    return browser.execute_script("return [document.documentElement.lang, document.documentElement.dir, getComputedStyle(document.body).direction]")


try:
    browser.get(base + "/")
    assert page_language() == ["fr", "ltr", "ltr"], page_language()
    assert browser.find_element(By.TAG_NAME, "h1").text == "Trouver un cours", browser.find_element(By.TAG_NAME, "h1").text
    browser.find_element(By.NAME, "q").send_keys("yoga")
    Select(browser.find_element(By.NAME, "area")).select_by_value("city:Johannesburg")
    browser.find_element(By.CSS_SELECTOR, "form.search button[type=submit]").click()
    WebDriverWait(browser, 10).until(ready.presence_of_element_located((By.CSS_SELECTOR, "li.result")))
    first = browser.find_element(By.CSS_SELECTOR, "li.result").text
    assert "crédit" in first and " km" in first, first
    assert "cours à" in browser.find_element(By.CSS_SELECTOR, "p.count").text, browser.find_element(By.CSS_SELECTOR, "p.count").text
    fits_the_phone()
    shot("french-results")

    # The picker: Arabic, right to left, the same search.
    browser.find_element(By.CSS_SELECTOR, "nav.languages a[hreflang=ar]").click()
    WebDriverWait(browser, 10).until(lambda b: page_language()[0] == "ar")
    assert page_language() == ["ar", "rtl", "rtl"], page_language()
    assert browser.find_element(By.TAG_NAME, "h1").text == "ابحث عن حصة", browser.find_element(By.TAG_NAME, "h1").text
    results = browser.find_elements(By.CSS_SELECTOR, "li.result")
    assert results and "كم" in results[0].text, results[0].text if results else "no results in Arabic"
    # Right to left: the search form's first field starts at the right edge.
    left, right = browser.execute_script("var r = document.querySelector('form.search label').getBoundingClientRect(); return [r.left, r.right]")
    assert right > 300, (left, right)
    fits_the_phone()
    shot("arabic-results")

    # The choice is kept: a page opened without ?lang is still in Arabic.
    gym = browser.find_element(By.CSS_SELECTOR, "li.result a.gym").get_attribute("href").split("?")[0]
    browser.get(gym)
    assert page_language() == ["ar", "rtl", "rtl"], page_language()
    assert "الجدول" in browser.find_element(By.CSS_SELECTOR, "main").text
    fits_the_phone()
    shot("arabic-gym")

    browser.find_element(By.CSS_SELECTOR, "nav.languages a[hreflang=en]").click()
    WebDriverWait(browser, 10).until(lambda b: page_language()[0] == "en")
    assert page_language() == ["en", "ltr", "ltr"]
    print(f"browser: French from Accept-Language, Arabic right to left from the picker and kept by its cookie, English again; {phone.step} screenshots in {shots}")
finally:
    phone.quit()
