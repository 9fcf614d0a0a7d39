import { Field, Input } from '@fluentui/react-components';

import type { ConnectForm, ConnectFormErrors } from './connectForm.js';

type CredentialKey = 'patName' | 'patSecret' | 'username' | 'password';

const CREDENTIALS: Record<ConnectForm['authKind'], { key: CredentialKey; label: string; secret?: true; autoComplete: string }[]> = {
  pat: [
    { key: 'patName', label: 'Token name', autoComplete: 'off' },
    { key: 'patSecret', label: 'Token secret', secret: true, autoComplete: 'off' },
  ],
  password: [
    { key: 'username', label: 'User name', autoComplete: 'username' },
    { key: 'password', label: 'Password', secret: true, autoComplete: 'current-password' },
  ],
};

/**
 * The two sign-in fields of the chosen kind: token name and secret, or user name and password.
 * `full` (the connect screen) marks them required and gives the browser autocomplete hints.
 * `onBlur`: the form checks a field when the analyst leaves it (never before anything is typed).
 */
export function CredentialFields(props: {
  form: ConnectForm;
  errors: ConnectFormErrors;
  onChange(key: CredentialKey, value: string): void;
  onBlur?(key: CredentialKey): void;
  full?: boolean;
}) {
  const { form, errors, onChange, onBlur, full = false } = props;
  return (
    <>
      {CREDENTIALS[form.authKind].map(({ key, label, secret, autoComplete }) => (
        <Field key={key} label={label} required={full || undefined} validationMessage={errors[key]}>
          <Input
            type={secret ? 'password' : undefined}
            value={form[key]}
            autoComplete={full ? autoComplete : undefined}
            onChange={(_, d) => onChange(key, d.value)}
            onBlur={onBlur ? () => onBlur(key) : undefined}
          />
        </Field>
      ))}
    </>
  );
}
