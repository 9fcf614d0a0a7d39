import { Button, MessageBar, MessageBarActions, MessageBarBody, MessageBarTitle, Radio, RadioGroup } from '@fluentui/react-components';
import { useId, useState } from 'react';

import { useServices } from '../../app/services.js';
import { describeSite } from '../../refresh/runner/connections.js';
import type { SignInGate, SignInRequest } from '../../refresh/runner/signin.js';
import { type ConnectForm, type ConnectFormErrors, emptyConnectForm, validateConnectForm } from '../connect/connectForm.js';
import { CredentialFields } from '../connect/CredentialFields.js';
import { ErrorBar } from '../shared/ErrorBar.js';
import { usePaneStyles } from '../shared/styles.js';
import { useAction } from '../shared/useAction.js';

/**
 * One prompt per site whose sign-in expired (or that this session has no connection to): the
 * refreshes of all its tables wait for it. Signing in here creates the analyst's own connection.
 */
export function SignInBar({ request, gate }: { request: SignInRequest; gate: SignInGate }) {
  const styles = usePaneStyles();
  const { api } = useServices();
  const formId = useId();
  const [open, setOpen] = useState(false);
  const [form, setForm] = useState<ConnectForm>(() => ({
    ...emptyConnectForm(),
    serverUrl: request.identity.serverUrl,
    siteContentUrl: request.identity.siteContentUrl,
  }));
  const [errors, setErrors] = useState<ConnectFormErrors>({});
  const { busy, failure, run } = useAction();
  const site = describeSite(request.identity);
  const tables = request.tables.join(', ');
  const title = request.reason === 'expired' ? `Sign in again to ${site}` : `Connect to ${site}`;

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    const checked = validateConnectForm(form);
    setErrors(checked.errors);
    if (!checked.request) return;
    const connect = checked.request;
    await run(async () => {
      const { connection } = await api.connect(connect);
      gate.resolve(request.identity, connection);
    });
  };
  const set = (patch: Partial<ConnectForm>) => setForm((f) => ({ ...f, ...patch }));

  return (
    <MessageBar intent="warning" layout="multiline">
      <MessageBarBody>
        <MessageBarTitle>{title}</MessageBarTitle>
        <div>
          {request.reason === 'expired' ? 'Tableau no longer accepts the sign-in' : 'This pane has no connection to that site'}; waiting to
          refresh: {tables}.
        </div>
        {open ? (
          <form id={formId} className={styles.tight} onSubmit={submit} aria-label={title}>
            <RadioGroup
              layout="horizontal"
              value={form.authKind}
              onChange={(_, d) => set({ authKind: d.value as ConnectForm['authKind'] })}
              aria-label="Sign in with"
            >
              <Radio value="pat" label="Access token" />
              <Radio value="password" label="Password" />
            </RadioGroup>
            <CredentialFields form={form} errors={errors} onChange={(key, value) => set({ [key]: value })} />
            <ErrorBar error={failure} />
          </form>
        ) : null}
      </MessageBarBody>
      <MessageBarActions>
        {/* Different keys: reusing one <button> would make the click that opens the form its submit
            (React re-renders it as type="submit" before the click's default action runs) and show
            "required" errors before anything was typed (issue #21, item 6). */}
        {open ? (
          <Button key="submit" appearance="primary" size="small" type="submit" form={formId} disabled={busy}>
            {busy ? 'Signing in…' : 'Sign in'}
          </Button>
        ) : (
          <Button key="open" appearance="primary" size="small" onClick={() => setOpen(true)}>
            Sign in
          </Button>
        )}
        <Button size="small" onClick={() => gate.dismiss(request.identity)}>
          Not now
        </Button>
      </MessageBarActions>
    </MessageBar>
  );
}
