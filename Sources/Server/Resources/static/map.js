// The tiled map over the one drawn on the server (figure.results-map): Leaflet (Debian's
// libjs-leaflet, served by this server) with OpenStreetMap's tiles, a marker for each element
// marked data-pin (data-lat, data-lng, data-name, and data-number where the list numbers them).
// Loaded only on pages that have such a map, so a first visit stays light; where the tiles do
// not load, the drawn map comes back.
(function () {
  "use strict";
  var drawn = document.getElementById("results-map");
  if (!drawn) return;
  var css = document.createElement("link");
  css.rel = "stylesheet";
  css.href = "/static/leaflet/leaflet.css";
  document.head.appendChild(css);
  var script = document.createElement("script");
  script.src = "/static/leaflet/leaflet.js";
  script.onload = function () {
    var box = document.createElement("div");
    box.className = "tiled-map";
    box.setAttribute("role", "region");
    box.setAttribute("aria-label", drawn.dataset.textMap);
    drawn.parentNode.insertBefore(box, drawn);
    drawn.hidden = true;
    var map = L.map(box, { scrollWheelZoom: false }), bounds = [], failed = 0;
    L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
      maxZoom: 19, attribution: "© OpenStreetMap contributors"
    }).on("tileerror", function () {
      // No tiles (offline, blocked, metered): back to the map drawn on the server.
      if (++failed === 3) { map.remove(); box.remove(); drawn.hidden = false; }
    }).addTo(map);
    document.querySelectorAll("[data-pin]").forEach(function (pin) {
      var at = [parseFloat(pin.dataset.lat), parseFloat(pin.dataset.lng)], label = document.createElement("span");
      label.textContent = (pin.dataset.number ? pin.dataset.number + ". " : "") + pin.dataset.name;
      L.circleMarker(at, { radius: 9, color: "#0a5c43", fillOpacity: 0.85 }).bindPopup(label).addTo(map);
      bounds.push(at);
    });
    map.fitBounds(bounds, { padding: [24, 24], maxZoom: 15 });
  };
  document.head.appendChild(script);
})();
