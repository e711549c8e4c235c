// Discovery, enhanced where the browser can: "Near me" from the device's position (asked only
// on a tap), words suggested as they are typed, and spots left kept current without a reload
// (map.js lays OpenStreetMap's tiles over the results' map). Without this script the page
// works as it is.
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
})();
