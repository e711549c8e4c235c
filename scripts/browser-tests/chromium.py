"""Debian's headless Chromium through Debian's chromedriver (nothing is downloaded), in a phone's
window (360 px), with numbered screenshots of each step."""
import base64
import os

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service


class Phone:
    def __init__(self, shots, languages="en"):
        """`languages`: what the browser's Accept-Language names, such as "fr-FR,fr"."""
        os.makedirs(shots, exist_ok=True)
        self.shots = shots
        self.step = 0
        options = Options()
        options.binary_location = "/usr/bin/chromium"
        for flag in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--lang=" + languages.split(",")[0]]:
            options.add_argument(flag)
        options.add_experimental_option("prefs", {"intl.accept_languages": languages})
        # A phone's screen: desktop windows do not shrink below about 500 px.
        options.add_experimental_option("mobileEmulation", {"deviceMetrics": {"width": 360, "height": 800, "pixelRatio": 2}})
        self.browser = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)

    def shot(self, name):
        self.step += 1
        path = os.path.join(self.shots, f"{self.step:02d}-{name}.png")
        self.browser.save_screenshot(path)
        return path

    def page_shot(self, name):
        """The whole page, below the fold too."""
        self.step += 1
        path = os.path.join(self.shots, f"{self.step:02d}-{name}.png")
        picture = self.browser.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})
        with open(path, "wb") as file:
            file.write(base64.b64decode(picture["data"]))
        return path

    def fits(self):
        """The page never scrolls sideways on the phone."""
        width, screen = self.browser.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
        wide = self.browser.execute_script(
            "return [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 361)"
            ".slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))")
        assert screen == 360, f"the window is {screen} px wide, not a phone's 360; too wide: {wide}"
        assert width <= screen, f"the page is {width} px wide on a {screen} px screen; too wide: {wide}"

    def quit(self):
        self.browser.quit()
