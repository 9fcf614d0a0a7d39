import axe from 'axe-core';
import type { Page } from 'playwright-core';

export interface AxeViolationSummary {
  id: string;
  impact: string | null | undefined;
  help: string;
  targets: string[];
}

/** Runs axe-core inside the page (real layout and colours, unlike jsdom) and returns its violations. */
export async function axeViolations(page: Page, selector = 'body'): Promise<AxeViolationSummary[]> {
  const loaded = await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe !== 'undefined');
  if (!loaded) await page.addScriptTag({ content: axe.source });
  const violations = await page.evaluate(async (sel) => {
    const w = window as unknown as { axe: typeof import('axe-core') };
    const result = await w.axe.run(document.querySelector(sel) ?? document.body, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => n.target.join(' ')),
    }));
  }, selector);
  return violations;
}
