"""axe-core in the browser tests: the vendored file (from the npm registry) injected into the page under test."""

from __future__ import annotations

from pathlib import Path

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core-4.14.1.min.js"
# WCAG 2.1 A and AA, as the portal promises.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(driver, *, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict]:
    """The page's violations of those impacts, each as rule id, impact and the first offending elements."""
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    result = driver.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        axe.run(document, {runOnly: {type: "tag", values: arguments[0]}}).then(
          (outcome) => done(outcome.violations), (error) => done([{id: "axe-error", impact: "critical",
          nodes: [{target: [String(error)]}]}]));
        """,
        TAGS,
    )
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "targets": [node["target"] for node in violation["nodes"][:3]],
        }
        for violation in result
        if violation["impact"] in impacts
    ]
