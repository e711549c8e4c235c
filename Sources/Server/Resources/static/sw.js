// My classes at a door with no network: the member's own pages (My classes and each booking,
// with their QR codes) are kept in this browser's cache each time they load, and shown from it
// when the network is gone. Network first, so a page is never older than it must be; signing
// out (or in, as someone else) empties the cache, so the next person on this phone sees nothing
// of it.
"use strict";
var CACHE = "studioloop-my-classes-v1";
var KEPT = /^\/(me|me\/bookings\/[^/]+)$|^\/static\/site\.css$/;

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

self.addEventListener("fetch", function (event) {
  var request = event.request, url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST" && ["/logout", "/login", "/signup"].indexOf(url.pathname) >= 0) {
    event.respondWith(caches.delete(CACHE).then(function () { return fetch(request); }));
    return;
  }
  if (request.method !== "GET" || !KEPT.test(url.pathname)) return;
  event.respondWith(fetch(request).then(function (response) {
    // Only a page that is really the member's (not a redirect to sign in, not an error).
    if (response.ok && !response.redirected) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { cache.put(url.pathname, copy); });
    }
    return response;
  }, function () {
    return caches.open(CACHE).then(function (cache) { return cache.match(url.pathname); }).then(function (kept) {
      return kept || new Response("You are offline, and this page was not saved on this phone.", { status: 503, headers: { "content-type": "text/plain; charset=utf-8" } });
    });
  }));
});
