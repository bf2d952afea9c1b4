// The desk's "scan with the camera": where the browser has BarcodeDetector and a camera, the QR code is read into
// the card field and the form is sent; elsewhere the field is typed or filled by a USB scanner, as before.
(function () {
  "use strict";
  var scan = document.querySelector("[data-scan]");
  if (!scan || !("BarcodeDetector" in window) || !navigator.mediaDevices) { return; }
  var form = document.getElementById("card-check-form");
  var field = form.querySelector("input[name=card]");
  var video = scan.querySelector("[data-scan-video]");
  var status = scan.querySelector("[data-scan-status]");
  scan.hidden = false;
  scan.querySelector("[data-scan-start]").addEventListener("click", function () {
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
      video.srcObject = stream;
      video.hidden = false;
      video.play();
      var look = function () {
        detector.detect(video).then(function (codes) {
          if (codes.length) {
            stream.getTracks().forEach(function (track) { track.stop(); });
            field.value = codes[0].rawValue;
            form.submit();
          } else {
            window.requestAnimationFrame(look);
          }
        }).catch(function () { window.requestAnimationFrame(look); });
      };
      look();
    }).catch(function () {
      status.textContent = scan.getAttribute("data-no-camera") || "";
    });
  });
})();
