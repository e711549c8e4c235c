// The front desk, enhanced: the roster filtered by name as you type, and the QR code read by
// the device's camera where the browser has a barcode detector. Without this script the pages
// work as they are: every member has a check-in button and the code is typed.
"use strict";
(function () {
  var fold = function (s) { return s.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase(); };

  var filter = document.getElementById("roster-filter");
  if (filter) {
    filter.parentElement.hidden = false;
    filter.addEventListener("input", function () {
      var wanted = fold(filter.value.trim());
      document.querySelectorAll("li.member").forEach(function (row) {
        row.hidden = wanted !== "" && fold(row.dataset.name || "").indexOf(wanted) < 0;
      });
    });
  }

  var form = document.querySelector("form.checkin");
  if (!form || !("BarcodeDetector" in window) || !navigator.mediaDevices) return;
  var button = form.querySelector("button.scan"), video = form.querySelector("video.scanner");
  var input = form.querySelector("input[name=code]");
  BarcodeDetector.getSupportedFormats().then(function (formats) {
    if (formats.indexOf("qr_code") < 0) return;
    var detector = new BarcodeDetector({ formats: ["qr_code"] });
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
        var stop = function () { stream.getTracks().forEach(function (t) { t.stop(); }); video.hidden = true; };
        video.srcObject = stream;
        video.hidden = false;
        video.play();
        var look = function () {
          detector.detect(video).then(function (codes) {
            if (codes.length > 0) { stop(); input.value = codes[0].rawValue; form.submit(); } else { setTimeout(look, 200); }
          }, function () { setTimeout(look, 200); });
        };
        look();
      }, function () { button.textContent = button.dataset.textUnavailable; button.disabled = true; });
    });
  });
})();
