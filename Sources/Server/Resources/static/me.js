// Keeps My classes and the bookings' QR codes on this phone for a door with no network (sw.js).
"use strict";
if ("serviceWorker" in navigator) navigator.serviceWorker.register("/sw.js").catch(function () {});
