import axe from 'axe-core';
import type { Page } from 'playwright-core';

export interface AxeViolationSummary {
  id: string;
  impact: string | null | undefined;
  help: string;
  targets: string[];
}

const tabsterDummy = (rule: string, html: string) => rule === 'aria-hidden-focus' && /data-tabster-dummy/.test(html);

/**
 * An OPEN branch of the Browse tree (addin/ui/browse/ProjectTree.tsx). Fluent's nested Tree renders
 * a branch's group of child treeitems inside the branch's treeitem element, as the ARIA tree
 * pattern allows (https://www.w3.org/TR/wai-aria-1.2/#treeitem); the branch is named by its own
 * title (aria-labelledby), because name-from-content would read every child too. axe's
 * label-content-name-mismatch compares that name with ALL the element's visible text, children
 * included, so every open branch "fails"; the rule is being brought in line with ACT rule 2ee8b8,
 * whose visible-text notion is the element's own label: https://github.com/dequelabs/axe-core/issues/5203.
 * Only open branches are set aside, only for this rule; a closed branch and every leaf still count.
 */
const openBranch = (rule: string, html: string) =>
  rule === 'label-content-name-mismatch' && /^<div[^>]*role="treeitem"[^>]*aria-expanded="true"/.test(html);

/** Runs axe-core inside the page (real layout and colours, unlike jsdom) and returns its violations. */
export async function axeViolations(page: Page, selector = 'body'): Promise<AxeViolationSummary[]> {
  const loaded = await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe !== 'undefined');
  // Evaluated through the DevTools protocol, not as an inline <script>: the pane's Content Security
  // Policy rightly refuses inline scripts, and the test must not weaken it (no bypassCSP).
  if (!loaded) await page.evaluate(axe.source);
  const raw = await page.evaluate(async (sel) => {
    const w = window as unknown as { axe: typeof import('axe-core') };
    // Colours are checked once they have settled: a focused Fluent button's background is still in
    // its CSS transition for a few frames, and axe measured the contrast of a blend that no user
    // sees for longer than that (a flaky color-contrast in CI). Transitions are in getAnimations()
    // (https://developer.mozilla.org/en-US/docs/Web/API/Document/getAnimations).
    await Promise.all(
      document
        .getAnimations()
        .filter((a) => a.effect?.getTiming().iterations !== Infinity)
        .map((a) => a.finished.catch(() => undefined)),
    );
    const result = await w.axe.run(document.querySelector(sel) ?? document.body, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ html: n.html, target: n.target.join(' ') })),
    }));
  }, selector);
  const violations = raw
    .map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      // Fluent UI v9's focus manager (Tabster) puts <i data-tabster-dummy aria-hidden tabindex=0>
      // around focus groups on purpose: they only redirect focus and must stay hidden from screen
      // readers. Microsoft's Accessibility Insights suppresses exactly these nodes for this rule
      // (microsoft/tabster#288, accessibility-insights-web PR #7605); every other node still counts.
      // These are the two aria-hidden-focus nodes a raw axe run reports on every pane page (issue
      // #21): the Sections TabList's arrow-key group (Tabster Mover, memorizeCurrent) adds them,
      // https://github.com/microsoft/fluentui/issues/25133 (Tablist) and
      // https://github.com/microsoft/tabster/issues/288. Checked by test/e2e/keyboard-320.test.ts.
      targets: v.nodes.filter((n) => !tabsterDummy(v.id, n.html) && !openBranch(v.id, n.html)).map((n) => n.target),
    }))
    .filter((v) => v.targets.length > 0);
  return violations;
}

/** The nodes a raw axe run (nothing set aside) reports for aria-hidden-focus, as HTML: to show what the filter above sets aside. */
export async function rawAriaHiddenFocus(page: Page): Promise<string[]> {
  await axeViolations(page); // loads axe into the page if needed
  return page.evaluate(async () => {
    const w = window as unknown as { axe: typeof import('axe-core') };
    // Colours are checked once they have settled: a focused Fluent button's background is still in
    // its CSS transition for a few frames, and axe measured the contrast of a blend that no user
    // sees for longer than that (a flaky color-contrast in CI). Transitions are in getAnimations()
    // (https://developer.mozilla.org/en-US/docs/Web/API/Document/getAnimations).
    await Promise.all(
      document
        .getAnimations()
        .filter((a) => a.effect?.getTiming().iterations !== Infinity)
        .map((a) => a.finished.catch(() => undefined)),
    );
    const result = await w.axe.run(document.body, { runOnly: { type: 'rule', values: ['aria-hidden-focus'] } });
    return result.violations.flatMap((v) => v.nodes.map((n) => n.html));
  });
}
