// Progressive enhancement: show upload progress for large scans. Without this file the form posts as usual.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form[data-upload-progress]");
  if (!form || !window.XMLHttpRequest || !window.FormData) return;
  const box = form.querySelector(".upload-progress");
  const bar = form.querySelector(".upload-progress progress");
  const text = form.querySelector(".upload-progress-text");
  form.addEventListener("submit", (event) => {
    const hasFiles = Array.from(form.querySelectorAll("input[type=file]")).some((input) => input.files.length > 0);
    if (!hasFiles) return;
    event.preventDefault();
    const request = new XMLHttpRequest();
    request.open("POST", form.action || window.location.href);
    request.upload.addEventListener("progress", (progress) => {
      if (!progress.lengthComputable) return;
      const percent = Math.round((progress.loaded / progress.total) * 100);
      bar.value = percent;
      text.textContent = percent + "%";
    });
    request.addEventListener("load", () => {
      // Success redirects (Post/Redirect/Get): follow it. Errors come back as the page itself: show it.
      if (request.responseURL && request.responseURL !== window.location.href) {
        window.location.assign(request.responseURL);
        return;
      }
      document.open();
      document.write(request.responseText);
      document.close();
    });
    request.addEventListener("error", () => form.submit());
    box.hidden = false;
    form.querySelectorAll("button[type=submit]").forEach((button) => { button.disabled = true; });
    request.send(new FormData(form));
  });
});
