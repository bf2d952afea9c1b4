// The wallet's live QR code (第六条 仅限本人使用): fetched again when half its life is over, so that a screenshot
// goes stale. Without this script the page works the same way: reloading it gives a fresh code.
document.addEventListener("DOMContentLoaded", () => {
  const section = document.querySelector(".wallet-code[data-code-url]");
  if (!section) return;
  const image = section.querySelector(".wallet-qr");
  const expiry = section.querySelector(".wallet-expiry");
  const clock = section.querySelector(".wallet-clock time");
  // The server's clock decides; the phone's may be wrong.
  const offset = Date.parse(section.dataset.now) - Date.now();
  const now = () => new Date(Date.now() + offset);
  let timer;

  const schedule = (seconds) => {
    clearTimeout(timer);
    timer = setTimeout(refresh, Math.max(1, seconds) * 1000);
  };

  const markStale = (text) => {
    section.classList.add("wallet-stale");
    expiry.textContent = text || section.dataset.staleText;
  };

  async function refresh() {
    try {
      const response = await fetch(section.dataset.codeUrl, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        cache: "no-store",
      });
      const code = await response.json();
      if (!response.ok) {
        markStale(code.error);
        return;
      }
      image.src = code.qr;
      expiry.textContent = code.expires_label;
      section.dataset.expiresAt = code.expires_at;
      section.classList.remove("wallet-stale");
      schedule(code.refresh_in);
    } catch (error) {
      schedule(15);
    }
  }

  const tick = () => {
    const current = now();
    if (clock) clock.textContent = current.toLocaleTimeString("en-GB", { timeZone: "Asia/Shanghai", hour12: false });
    if (current.getTime() >= Date.parse(section.dataset.expiresAt)) markStale();
  };

  schedule(Number(section.dataset.refreshIn));
  setInterval(tick, 1000);
  // A phone that slept may have missed the timer: fetch at once when the page is seen again.
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) refresh();
  });
});
