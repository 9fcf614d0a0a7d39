/** Issue #21 item 6: Forget asks first (Escape and "Keep it" keep the connection; focus goes back). */
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import { App } from '../../../addin/ui/App.js';
import { connection, fakeApi, memoryServices, renderWith } from './harness.js';

/**
 * The open alert dialog, found in the DOM once Fluent has put focus in it. Its buttons are looked up
 * with `hidden: true`: jsdom never finishes Fluent's enter motion, so the surface can still count as
 * visibility-hidden to Testing Library at random. That the dialog is exposed properly is what the
 * axe test in connect-issue21.test.tsx and the Chromium flow (test/e2e/keyboard-320.test.ts) check.
 */
async function openDialog(): Promise<HTMLElement> {
  return waitFor(
    () => {
      const dialog = document.querySelector<HTMLElement>('[role="alertdialog"]');
      if (!dialog) throw new Error('no alert dialog is open');
      // Open means settled: Fluent has moved focus into it (its first button).
      if (!dialog.contains(document.activeElement)) throw new Error('the dialog is still opening');
      return dialog;
    },
    { timeout: 10_000 },
  );
}

const nameOf = (el: HTMLElement) => document.getElementById(el.getAttribute('aria-labelledby') ?? '')?.textContent;

describe('Connect screen: Forget', () => {
  it('Forget asks first: Escape and "Keep it" keep the connection (focus back on Forget); after Forget focus goes to the form', async () => {
    const api = fakeApi();
    renderWith(<App />, memoryServices(api).services);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('tab', { name: 'Connection' }));
    const forget = await screen.findByRole('button', { name: `Forget ${connection.label}` });
    await user.click(forget);
    const dialog = await openDialog();
    expect(nameOf(dialog)).toBe(`Forget ${connection.label}?`);
    expect(dialog).toHaveTextContent('deletes this connection and its saved token');
    await waitFor(() => expect(dialog.contains(document.activeElement)).toBe(true));
    await user.keyboard('{Escape}');
    await waitFor(() => expect(document.querySelector('[role="alertdialog"]')).toBeNull(), { timeout: 10_000 });
    await waitFor(() => expect(forget).toHaveFocus());
    expect(api.forgetConnection).not.toHaveBeenCalled();

    await user.click(screen.getByRole('button', { name: `Forget ${connection.label}` }));
    await user.click(within(await openDialog()).getByRole('button', { name: 'Keep it', hidden: true }));
    await waitFor(() => expect(document.querySelector('[role="alertdialog"]')).toBeNull(), { timeout: 10_000 });
    expect(api.forgetConnection).not.toHaveBeenCalled();

    await user.click(screen.getByRole('button', { name: `Forget ${connection.label}` }));
    await user.click(within(await openDialog()).getByRole('button', { name: 'Forget', hidden: true }));
    await waitFor(() => expect(api.forgetConnection).toHaveBeenCalledWith('c1'));
    // Its card is gone, and with it the button focus would go back to: focus goes to the form.
    await waitFor(() => expect(screen.getByLabelText(/Server URL/)).toHaveFocus());
  });
});
