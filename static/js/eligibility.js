// Progressive enhancement of the self-check: the enterprise questions other than the role are only relevant to
// someone with a role in an enterprise, or to a founder (S02). Without this file every question is simply shown.
document.addEventListener("DOMContentLoaded", () => {
  const step = document.getElementById("step-enterprise");
  if (!step) return;
  const roles = step.querySelectorAll('input[name="enterprise__role"]');
  const founder = ["enterprise__founded_on", "enterprise__founder_largest_shareholder", "enterprise__core_technology_stage"];
  const update = () => {
    const checked = step.querySelector('input[name="enterprise__role"]:checked');
    const hasRole = checked && checked.value !== "none";
    step.querySelectorAll(".question").forEach((question) => {
      if (question.querySelector('input[name="enterprise__role"]')) return;
      const field = question.querySelector("input, select");
      const isFounderQuestion = field && founder.includes(field.name);
      // Never hide a question that carries an error: the applicant must see it.
      const hide = !hasRole && !isFounderQuestion && !question.classList.contains("has-error");
      question.classList.toggle("js-hidden", hide);
    });
  };
  roles.forEach((radio) => radio.addEventListener("change", update));
  update();
});
