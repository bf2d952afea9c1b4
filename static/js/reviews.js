// Reviewers' pages, progressive enhancement only (every form works without this file):
// the queue's filters open on wide screens, and a "select all" box for the bulk decision.
document.addEventListener("DOMContentLoaded", () => {
  const fold = document.querySelector("details[data-open-wide]");
  if (fold && window.matchMedia("(min-width: 761px)").matches) fold.open = true;

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
