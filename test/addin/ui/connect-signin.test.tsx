/**
 * Issue #21 item 6: "Sign in" on a table's sign-in prompt shows red errors before anything is
 * typed. The prompt (addin/ui/tables/SignInBar.tsx) uses the connect screen's CredentialFields and
 * validation; this pins the behaviour the analyst sees.
 */
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import { createSignInGate } from '../../../addin/refresh/runner/signin.js';
import { SignInBar } from '../../../addin/ui/tables/SignInBar.js';
import { fakeApi, memoryServices, renderWith } from './harness.js';

describe('the sign-in prompt of a table (issue #21)', { timeout: 60_000 }, () => {
  it('opens its form without a single error; Sign in on the empty form then says what is missing', async () => {
    const gate = createSignInGate();
    const identity = { serverUrl: 'https://tableau.example.com', siteContentUrl: 'finance' };
    void gate.request(identity, 'expired', 'Sales');
    const [request] = gate.pending();
    const api = fakeApi();
    renderWith(<SignInBar request={request} gate={gate} />, memoryServices(api).services);
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByLabelText(/Token name/)).toBeInTheDocument();
    expect(screen.queryByText('Type the name of your personal access token.')).not.toBeInTheDocument();
    expect(document.querySelector('[aria-invalid="true"]')).toBeNull();

    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByText('Type the name of your personal access token.')).toBeInTheDocument();
    expect(api.connect).not.toHaveBeenCalled();
  });
});
