import type { ConnectRequest, HealthResponse } from '../../../common/api.js';
import { normalizeServerUrl, siteContentUrlSchema } from '../../../common/site.js';

export interface ConnectForm {
  serverUrl: string;
  siteContentUrl: string;
  authKind: 'pat' | 'password';
  patName: string;
  patSecret: string;
  username: string;
  password: string;
}

export type ConnectFormErrors = Partial<Record<keyof ConnectForm, string>>;

export const emptyConnectForm = (): ConnectForm => ({
  serverUrl: '',
  siteContentUrl: '',
  authKind: 'pat',
  patName: '',
  patSecret: '',
  username: '',
  password: '',
});

export function demoForm(demo: NonNullable<HealthResponse['demo']>): ConnectForm {
  return {
    ...emptyConnectForm(),
    serverUrl: demo.serverUrl,
    siteContentUrl: demo.siteContentUrl,
    patName: demo.patName,
    patSecret: demo.patSecret,
  };
}

/**
 * Form → ConnectRequest, or per-field messages. The site is the content URL ("marketing" in
 * .../#/site/marketing/...), '' for Tableau Server's Default site; a pasted full URL is reduced.
 */
export function validateConnectForm(form: ConnectForm): { errors: ConnectFormErrors; request?: ConnectRequest } {
  const errors: ConnectFormErrors = {};
  const rawUrl = form.serverUrl.trim();
  let serverUrl = '';
  let siteFromUrl: string | undefined;
  if (!rawUrl) errors.serverUrl = 'Type the address of your Tableau Cloud or Server, e.g. https://tableau.example.com';
  else {
    // A pasted address bar (…/#/site/marketing/views/…) gives the site; the rest is the server,
    // normalised by the one rule both sides use (common/site.ts: https when no scheme is typed).
    siteFromUrl = /#\/site\/([^/]+)/.exec(rawUrl)?.[1];
    try {
      serverUrl = normalizeServerUrl(rawUrl.replace(/[?#].*$/, ''));
    } catch (err) {
      // normalizeServerUrl's words complete "That address …" (is not a URL, must not contain a password…).
      errors.serverUrl = `That address ${(err as Error).message}; it should look like https://tableau.example.com`;
    }
  }
  const site = (form.siteContentUrl.trim() || siteFromUrl || '').replace(/^\/+|\/+$/g, '');
  if (!siteContentUrlSchema.safeParse(site).success) {
    errors.siteContentUrl = 'Use the site ID from the address bar (…/#/site/<site ID>/…): letters, digits, - and _ only.';
  }

  if (form.authKind === 'pat') {
    if (!form.patName.trim()) errors.patName = 'Type the name of your personal access token.';
    if (!form.patSecret) errors.patSecret = 'Paste the token secret.';
  } else {
    if (!form.username.trim()) errors.username = 'Type your Tableau user name.';
    if (!form.password) errors.password = 'Type your password.';
  }
  if (Object.keys(errors).length) return { errors };
  return {
    errors,
    request: {
      serverUrl,
      siteContentUrl: site,
      auth:
        form.authKind === 'pat'
          ? { kind: 'pat', patName: form.patName.trim(), patSecret: form.patSecret }
          : { kind: 'password', username: form.username.trim(), password: form.password },
    },
  };
}
