"""What a phone on 3G downloads and waits for: each page opened in a fresh headless Chromium
(Debian's, 360 px wide, cache empty) with the network throttled through the DevTools protocol,
three times; the bytes transferred (compressed, as sent) and the timings, medians.

    python3 page_weight.py <base url>"""
import statistics
import sys

sys.path.insert(0, __file__.rsplit("/", 2)[0] + "/scripts/browser-tests")
from chromium import Phone  # noqa: E402

base = sys.argv[1]
# Chrome DevTools' presets: "Slow 3G" and "Fast 3G" (kilobits per second, milliseconds).
PROFILES = [("Slow 3G", 400, 400, 2000), ("Fast 3G", 1_600, 750, 562.5)]
PAGES = [("/ (first visit)", "/"), ("/ with 20 yoga results", "/?q=yoga&area=city:Johannesburg")]

print("| page | network | transferred | of which the map library | first contentful paint | load |")
print("|---|---|---|---|---|---|")
for label, path in PAGES:
    for name, down, up, latency in PROFILES:
        rows = []
        for _ in range(3):
            phone = Phone("/tmp/page-weight")
            browser = phone.browser
            try:
                browser.execute_cdp_cmd("Network.enable", {})
                browser.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
                browser.execute_cdp_cmd("Network.emulateNetworkConditions", {
                    "offline": False, "latency": latency, "downloadThroughput": down * 1000 / 8, "uploadThroughput": up * 1000 / 8,
                })
                browser.get(base + path)
                # Everything the page pulled, as sent over the wire (the map library only
                # follows results, after the page has loaded).
                browser.execute_script("return new Promise(r => setTimeout(r, 300))")
                bytes_, leaflet, fcp, load = browser.execute_script("""
                    const nav = performance.getEntriesByType('navigation')[0];
                    const all = [nav, ...performance.getEntriesByType('resource')];
                    const map = all.filter(e => e.name.includes('/static/leaflet/') || e.name.includes('tile.openstreetmap.org'));
                    const paint = performance.getEntriesByName('first-contentful-paint')[0];
                    const size = list => list.reduce((n, e) => n + (e.transferSize || 0), 0);
                    return [size(all), size(map), paint ? paint.startTime : 0, nav.loadEventEnd];
                """)
                rows.append((bytes_, leaflet, fcp, load))
            finally:
                phone.quit()
        b, m, f, l = (statistics.median(c) for c in zip(*rows))
        print(f"| {label} | {name} | {b / 1024:.1f} KB | {m / 1024:.1f} KB | {f / 1000:.2f} s | {l / 1000:.2f} s |")
