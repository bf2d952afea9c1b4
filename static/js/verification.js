// Card verification page. Progressive enhancement only: the page works by pasting without this file.
// 1. A phone camera opens /cards/verify/#<token>: the token in the fragment never reached the server; it is posted.
// 2. Where the browser has the BarcodeDetector API, the page can scan a QR code with the camera itself.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("[data-verify-form]");
  if (!form) return;
  const field = form.querySelector("textarea");

  if (window.location.hash.length > 1) {
    field.value = window.location.href;
    history.replaceState(null, "", window.location.pathname);
    form.submit();
    return;
  }

  const scanner = document.querySelector("[data-scanner]");
  if (!scanner || !("BarcodeDetector" in window) || !navigator.mediaDevices) return;
  const start = scanner.querySelector("[data-scan-start]");
  const stop = scanner.querySelector("[data-scan-stop]");
  const video = scanner.querySelector("[data-scan-video]");
  const status = scanner.querySelector("[data-scan-status]");
  const messages = scanner.querySelector("[data-scan-messages]").content;
  const say = (name) => {
    status.textContent = messages.querySelector(`[data-message="${name}"]`).textContent;
  };
  let stream = null;

  const halt = () => {
    if (stream) stream.getTracks().forEach((track) => track.stop());
    stream = null;
    video.hidden = true;
    stop.hidden = true;
    start.hidden = false;
  };

  BarcodeDetector.getSupportedFormats().then((formats) => {
    if (!formats.includes("qr_code")) return;
    const detector = new BarcodeDetector({ formats: ["qr_code"] });
    scanner.hidden = false;

    const look = async () => {
      if (!stream) return;
      try {
        const codes = await detector.detect(video);
        if (codes.length > 0) {
          field.value = codes[0].rawValue;
          halt();
          form.submit();
          return;
        }
      } catch (error) {
        // The video has no frame yet: try again on the next one.
      }
      window.requestAnimationFrame(look);
    };

    start.addEventListener("click", async () => {
      try {
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
      } catch (error) {
        say("denied");
        return;
      }
      video.srcObject = stream;
      video.hidden = false;
      start.hidden = true;
      stop.hidden = false;
      say("looking");
      await video.play();
      look();
    });
    stop.addEventListener("click", () => {
      halt();
      status.textContent = "";
    });
  });
});
