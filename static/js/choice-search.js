// Progressive enhancement: a <select data-searchable> gets a search box that narrows its options to those whose text
// holds what is typed (an employer's name or its reviewing department). Without this file the list works as it is.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("select[data-searchable]").forEach((select) => {
    const input = document.createElement("input");
    input.type = "search";
    input.id = `${select.id}_search`;
    input.className = "choice-search";
    input.autocomplete = "off";
    input.setAttribute("aria-controls", select.id);
    const label = document.createElement("label");
    label.htmlFor = input.id;
    label.className = "choice-search-label";
    label.textContent = select.dataset.searchLabel || "";
    const status = document.createElement("p");
    status.className = "choice-search-status helptext";
    status.setAttribute("aria-live", "polite");
    input.addEventListener("input", () => {
      const term = input.value.trim().toLowerCase();
      let shown = 0;
      Array.from(select.options).forEach((option) => {
        if (!option.value) return;
        const match = !term || option.text.toLowerCase().includes(term);
        option.hidden = !match;
        option.disabled = !match && !option.selected;
        if (match) shown += 1;
      });
      status.textContent = term ? (select.dataset.searchCount || "").replace("%(count)s", String(shown)) : "";
    });
    select.before(label, input, status);
  });
});
