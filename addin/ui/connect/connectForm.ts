import type { ConnectRequest, HealthResponse } from '../../../common/api.js';

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
  return { ...emptyConnectForm(), serverUrl: demo.serverUrl, siteContentUrl: demo.siteContentUrl, patName: demo.patName, patSecret: demo.patSecret };
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
    try {
      const url = new URL(/^https?:\/\//i.test(rawUrl) ? rawUrl : `https://${rawUrl}`);
      if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('protocol');
      // Keep a path: a server can sit behind a reverse-proxy prefix; drop '#/site/...' and the query.
      serverUrl = url.origin + url.pathname.replace(/\/+$/, '');
      siteFromUrl = /#\/site\/([^/]+)/.exec(url.hash)?.[1];
    } catch {
      errors.serverUrl = 'That is not a web address; it should look like https://tableau.example.com';
    }
  }
  const site = (form.siteContentUrl.trim() || siteFromUrl || '').replace(/^\/+|\/+$/g, '');
  if (/[\s/#?]/.test(site)) errors.siteContentUrl = 'Use the site ID from the address bar (…/#/site/<site ID>/…), without slashes.';

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
