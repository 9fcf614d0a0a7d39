import type { Locator, Page } from 'playwright-core';

/**
 * Keyboard-only driving for the browser flows: move focus with real key presses (Tab, Shift+Tab,
 * arrows) until the wanted control has it, and fail — naming where focus got stuck — when it
 * never does. No click, no .focus(): only what a keyboard user can do.
 */
export async function isFocused(target: Locator): Promise<boolean> {
  return target
    .first()
    .evaluate((el) => el === document.activeElement)
    .catch(() => false);
}

/** What has focus, in a few words (role, name, text), for failure messages. */
export async function describeFocus(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return '<body>';
    const name = el.getAttribute('aria-label') ?? (el.textContent ?? '').trim().slice(0, 60);
    return `<${el.tagName.toLowerCase()} role=${el.getAttribute('role') ?? ''}> "${name}"`;
  });
}

/** Presses `key` until `target` has focus (at most `max` presses). */
export async function pressUntilFocused(page: Page, key: string, target: Locator, max = 80): Promise<void> {
  await target.first().waitFor({ timeout: 60_000 });
  for (let i = 0; i <= max; i++) {
    if (await isFocused(target)) return;
    await page.keyboard.press(key);
  }
  throw new Error(`${key} ×${max} never reached ${target.toString()}; focus is on ${await describeFocus(page)}`);
}

/** Tab forward to `target`. */
export const tabTo = (page: Page, target: Locator, max?: number) => pressUntilFocused(page, 'Tab', target, max);
/** Shift+Tab back to `target`. */
export const shiftTabTo = (page: Page, target: Locator, max?: number) => pressUntilFocused(page, 'Shift+Tab', target, max);
