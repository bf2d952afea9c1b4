// Progressive enhancement only: every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // Move keyboard and screen-reader focus to a form's error summary.
  const summary = document.querySelector("[data-focus]");
  if (summary) summary.focus();
});
