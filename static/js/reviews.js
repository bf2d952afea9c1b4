// Reviewers' queue: a "select all" box for the bulk decision (progressive enhancement; the form works without it).
document.addEventListener("DOMContentLoaded", () => {
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
