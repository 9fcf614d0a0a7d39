import { Button, Field, Input, MessageBar, MessageBarActions, MessageBarBody, Radio, RadioGroup } from '@fluentui/react-components';
import { useRef, useState } from 'react';

import { useServices } from '../../app/services.js';
import { Busy } from '../shared/Busy.js';
import { ErrorBar } from '../shared/ErrorBar.js';
import { usePaneStyles } from '../shared/styles.js';
import { useAction } from '../shared/useAction.js';
import { useAsync } from '../shared/useAsync.js';
import { type ConnectForm, type ConnectFormErrors, demoForm, emptyConnectForm, validateConnectForm } from './connectForm.js';
import { CredentialFields } from './CredentialFields.js';
import { SavedConnections } from './SavedConnections.js';
import type { ConnectionsState } from './useConnections.js';

/** Sign in to a Tableau site (PAT or user name + password), or pick a saved connection. */
export function ConnectScreen({ connections, onConnected }: { connections: ConnectionsState; onConnected(): void }) {
  const styles = usePaneStyles();
  const { api } = useServices();
  const [form, setForm] = useState<ConnectForm>(emptyConnectForm);
  const [errors, setErrors] = useState<ConnectFormErrors>({});
  const { busy, failure, setFailure, run } = useAction();
  const touched = useRef(false);
  const serverUrlField = useRef<HTMLInputElement>(null);

  const health = useAsync(
    async (signal) => {
      const result = await api.health({ signal });
      // Prefill only an untouched form: never overwrite what the analyst typed.
      if (result.demo && !touched.current) setForm(demoForm(result.demo));
      return result;
    },
    [api],
  );
  const demo = health.data?.demo;

  // Fields the analyst has typed in: only those are checked when left (issue #21: no red before anything is typed).
  const dirty = useRef(new Set<keyof ConnectForm>());
  const set = <K extends keyof ConnectForm>(key: K, value: ConnectForm[K]) => {
    touched.current = true;
    dirty.current.add(key);
    setForm((f) => ({ ...f, [key]: value }));
    setErrors((e) => ({ ...e, [key]: undefined }));
  };
  /** On leaving a field the analyst typed in: that field's message, if any (the others wait for Connect). */
  const check = (key: keyof ConnectForm) => {
    if (!dirty.current.has(key)) return;
    const message = validateConnectForm(form).errors[key];
    setErrors((e) => ({ ...e, [key]: message }));
  };
  const fillDemo = (values: ConnectForm) => {
    dirty.current.clear();
    setForm(values);
    setErrors({});
  };
  // The offer is pointless while the form already holds the demo site (issue #21).
  const showsDemo = demo !== undefined && sameForm(form, demoForm(demo));

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    const { errors: found, request } = validateConnectForm(form);
    setErrors(found);
    setFailure(null);
    if (!request) return;
    await run(async () => {
      await connections.connect(request);
      setForm((f) => ({ ...f, patSecret: '', password: '' }));
      onConnected();
    });
  };

  return (
    <div className={styles.stack}>
      <ErrorBar error={health.error} onRetry={health.reload} />
      <ErrorBar error={connections.error} />
      <SavedConnections connections={connections} onUse={onConnected} onForgotten={() => serverUrlField.current?.focus()} />
      {demo ? (
        <MessageBar intent="info" layout="multiline">
          <MessageBarBody>
            {showsDemo
              ? 'The form is filled in for the demo Tableau site running with this server.'
              : 'A demo Tableau site is running with this server.'}
          </MessageBarBody>
          {showsDemo ? null : (
            <MessageBarActions>
              <Button size="small" onClick={() => fillDemo(demoForm(demo))}>
                Use demo site
              </Button>
            </MessageBarActions>
          )}
        </MessageBar>
      ) : null}
      <form className={styles.stack} onSubmit={submit} noValidate aria-label="Connect to Tableau">
        <Field label="Server URL" required validationMessage={errors.serverUrl}>
          <Input
            ref={serverUrlField}
            type="url"
            value={form.serverUrl}
            placeholder="https://tableau.example.com"
            onChange={(_, d) => set('serverUrl', d.value)}
            onBlur={() => check('serverUrl')}
          />
        </Field>
        <Field label="Site ID" hint="Empty for the Default site of Tableau Server." validationMessage={errors.siteContentUrl}>
          <Input value={form.siteContentUrl} onChange={(_, d) => set('siteContentUrl', d.value)} onBlur={() => check('siteContentUrl')} />
        </Field>
        <Field label="Sign in with">
          <RadioGroup value={form.authKind} onChange={(_, d) => set('authKind', d.value as ConnectForm['authKind'])}>
            <Radio value="pat" label="Personal access token" />
            <Radio value="password" label="User name and password (Tableau Server)" />
          </RadioGroup>
        </Field>
        <CredentialFields form={form} errors={errors} onChange={set} onBlur={check} full />
        <ErrorBar error={failure} />
        {busy ? <Busy label="Signing in to Tableau…" /> : null}
        <Button type="submit" appearance="primary" disabled={busy}>
          Connect
        </Button>
      </form>
    </div>
  );
}

const sameForm = (a: ConnectForm, b: ConnectForm) =>
  a.authKind === b.authKind &&
  a.serverUrl.trim() === b.serverUrl &&
  a.siteContentUrl.trim() === b.siteContentUrl &&
  a.patName.trim() === b.patName &&
  a.patSecret === b.patSecret;
