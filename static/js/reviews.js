// Reviewers' pages, progressive enhancement only (every form works without this file):
// the queue's filters open on wide screens, a "select all" box for the bulk decision, and a confirmation
// before a decision marked data-confirm (returning, refusing) is sent.
document.addEventListener("DOMContentLoaded", () => {
  const fold = document.querySelector("details[data-open-wide]");
  if (fold && window.matchMedia("(min-width: 761px)").matches) fold.open = true;

  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });

  const form = document.getElementById("bulk-form");
  if (!form) return;
  const header = form.querySelector("thead th");
  if (!header) return;
  const all = document.createElement("input");
  all.type = "checkbox";
  all.setAttribute("aria-label", document.documentElement.lang === "en" ? "Select all" : "全选");
  all.addEventListener("change", () => {
    form.querySelectorAll('input[name="applications"]').forEach((box) => { box.checked = all.checked; });
  });
  header.appendChild(all);
});
