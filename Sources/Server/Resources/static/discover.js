// Discovery, enhanced where the browser can: "Near me" from the device's position (asked only
// on a tap), words suggested as they are typed, spots left kept current without a reload, and
// the results on an OpenStreetMap map, which falls back to the map drawn on the server when the
// tiles do not load. Without this script the page works as it is.
"use strict";
(function () {
  var form = document.querySelector("form.search");
  if (!form) return;

  var nearMe = form.querySelector("button.near-me"), near = form.elements.near, area = form.elements.area;
  if (nearMe && navigator.geolocation) {
    nearMe.hidden = false;
    nearMe.addEventListener("click", function () {
      nearMe.textContent = nearMe.dataset.textFinding;
      navigator.geolocation.getCurrentPosition(function (position) {
        near.value = position.coords.latitude.toFixed(4) + "," + position.coords.longitude.toFixed(4);
        if (area) area.value = "";
        form.submit();
      }, function () { nearMe.textContent = nearMe.dataset.textUnavailable; }, { timeout: 10000, maximumAge: 300000 });
    });
  }

  var words = form.elements.q, list = document.getElementById("suggestions"), asked = "", timer;
  if (words && list && window.fetch) {
    words.addEventListener("input", function () {
      clearTimeout(timer);
      var typed = words.value.trim();
      if (typed.length < 2 || typed === asked) return;
      timer = setTimeout(function () {
        asked = typed;
        fetch("/api/v1/marketplace/suggest?q=" + encodeURIComponent(typed)).then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
          .then(function (answer) {
            list.replaceChildren.apply(list, answer.suggestions.map(function (s) {
              var option = document.createElement("option");
              option.value = s.text;
              return option;
            }));
          }, function () {});
      }, 150);
    });
  }

  var spots = Array.prototype.slice.call(document.querySelectorAll("li.result .spots[data-session]"));
  // The page's own words for a count, in each plural form its language has (data-spots).
  var results = document.querySelector("ol.results"), lang = document.documentElement.lang;
  var forms = results ? JSON.parse(results.dataset.spots || "{}") : {}, plural = window.Intl ? new Intl.PluralRules(lang) : null;
  function spotsText(now) {
    if (now.status === "cancelled") return forms.cancelled;
    if (now.spots_left === 0) return forms.full;
    var form = forms[plural ? plural.select(now.spots_left) : "other"] || forms.other;
    return form.replace("{n}", now.spots_left.toLocaleString(lang));
  }
  function refresh() {
    if (document.hidden || spots.length === 0) return;
    var ids = spots.map(function (s) { return s.dataset.session; }).join(",");
    fetch("/api/v1/marketplace/spots?session_ids=" + encodeURIComponent(ids)).then(function (r) { return r.ok ? r.json() : null; }).then(function (answer) {
      if (!answer) return;
      var left = {};
      answer.spots.forEach(function (s) { left[s.session_id] = s; });
      spots.forEach(function (s) {
        var now = left[s.dataset.session];
        if (!now) return;
        var text = spotsText(now);
        if (s.textContent !== text) { s.textContent = text; s.classList.add("changed"); }
      });
    }, function () {});
  }
  if (window.fetch && spots.length > 0) {
    setInterval(refresh, 20000);
    document.addEventListener("visibilitychange", refresh);
  }

  // The tiled map: Leaflet (Debian's libjs-leaflet, served by this server) loaded only when
  // there are results to show, so a first visit stays light.
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
    document.querySelectorAll("li.result[data-lat]").forEach(function (row) {
      var at = [parseFloat(row.dataset.lat), parseFloat(row.dataset.lng)], label = document.createElement("span");
      label.textContent = row.dataset.number + ". " + row.dataset.name;
      L.circleMarker(at, { radius: 9, color: "#0a5c43", fillOpacity: 0.85 }).bindPopup(label).addTo(map);
      bounds.push(at);
    });
    map.fitBounds(bounds, { padding: [24, 24], maxZoom: 15 });
  };
  document.head.appendChild(script);
})();
