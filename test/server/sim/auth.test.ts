import { afterEach, describe, expect, it } from 'vitest';

import { ManualClock } from '../../../server/sim/clock.js';
import { mintConnectedAppJwt, signHs256 } from '../../../server/sim/jwt.js';
import { DEMO } from '../../../server/sim/seed/demo.js';
import { type Harness, harness, patCredentials, V } from './helpers.js';

const SIGNIN = `/api/${V}/auth/signin`;
const signinError = { error: { code: '401001', summary: 'Signin Error', detail: 'Error signing in to Tableau Server' } };

describe('sign-in', () => {
  let h: Harness;
  afterEach(async () => h?.app.close());

  it('signs in with a PAT and answers the credentials shape', async () => {
    h = await harness();
    const res = await h.raw('POST', SIGNIN, undefined, { credentials: patCredentials() });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      credentials: {
        site: { id: h.siteId, contentUrl: DEMO.siteContentUrl },
        user: { id: expect.any(String) },
        token: expect.any(String),
      },
    });
    const me = await h.raw('GET', `/api/${V}/sessions/current`, res.body.credentials.token);
    expect(me.body.session).toMatchObject({
      site: { id: h.siteId, contentUrl: DEMO.siteContentUrl, name: 'Superstore Demo' },
      user: { id: res.body.credentials.user.id, name: DEMO.username },
    });
  });

  it('signs in with username/password on the default site ("")', async () => {
    h = await harness();
    const res = await h.raw('POST', SIGNIN, undefined, {
      credentials: { name: DEMO.username, password: DEMO.password, site: { contentUrl: '' } },
    });
    expect(res.status).toBe(200);
    expect(res.body.credentials.site.contentUrl).toBe('');
    expect(res.body.credentials.site.id).not.toBe(h.siteId);
  });

  it('accepts the XML tsRequest body TSC sends', async () => {
    h = await harness();
    const xml = `<tsRequest><credentials personalAccessTokenName="${DEMO.patName}" personalAccessTokenSecret="${DEMO.patSecret}"><site contentUrl="${DEMO.siteContentUrl}"/></credentials></tsRequest>`;
    const res = await h.app.inject({
      method: 'POST',
      url: SIGNIN,
      headers: { 'content-type': 'text/xml', accept: 'application/json' },
      payload: xml,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().credentials.site.id).toBe(h.siteId);
  });

  it('signs in with a connected-app JWT and rejects tampered or expired ones', async () => {
    const clock = new ManualClock();
    h = await harness({ clock });
    const app = DEMO.connectedApp;
    const ok = mintConnectedAppJwt(app, app.username, clock.now());
    const good = await h.raw('POST', SIGNIN, undefined, { credentials: { jwt: ok, site: { contentUrl: DEMO.siteContentUrl } } });
    expect(good.status).toBe(200);

    const now = Math.floor(clock.now() / 1000);
    const claims = {
      iss: app.clientId,
      sub: app.username,
      aud: 'tableau',
      jti: 'x',
      iat: now,
      exp: now + 300,
      scp: ['tableau:content:read'],
    };
    const bad = [
      signHs256(claims, 'wrong-secret', app.secretId),
      signHs256({ ...claims, aud: 'someone-else' }, app.secretValue, app.secretId),
      signHs256({ ...claims, exp: now - 3600 }, app.secretValue, app.secretId),
      signHs256({ ...claims, exp: now + 3600 }, app.secretValue, app.secretId), // > 10 minutes ahead
      signHs256({ ...claims, sub: 'nobody' }, app.secretValue, app.secretId),
      signHs256({ ...claims, iss: 'other-client' }, app.secretValue, app.secretId),
      signHs256(claims, app.secretValue, 'unknown-kid'),
      `${ok.split('.')[0]}.${Buffer.from(JSON.stringify({ ...claims, sub: 'vera.viewer' })).toString('base64url')}.${ok.split('.')[2]}`,
      'not-a-jwt',
    ];
    for (const jwt of bad) {
      const res = await h.raw('POST', SIGNIN, undefined, { credentials: { jwt, site: { contentUrl: DEMO.siteContentUrl } } });
      expect(res.status, jwt).toBe(401);
      expect(res.body).toEqual(signinError);
    }
  });

  it.each([
    [
      'wrong PAT secret',
      { personalAccessTokenName: DEMO.patName, personalAccessTokenSecret: 'nope', site: { contentUrl: DEMO.siteContentUrl } },
    ],
    ['unknown site', patCredentials('no-such-site')],
    ['wrong password', { name: DEMO.username, password: 'nope', site: { contentUrl: '' } }],
    ['no credentials at all', { site: { contentUrl: '' } }],
  ])('answers 401001 for %s', async (_label, credentials) => {
    h = await harness();
    const res = await h.raw('POST', SIGNIN, undefined, { credentials });
    expect(res.status).toBe(401);
    expect(res.body).toEqual(signinError);
  });

  it('answers 400 for a body without credentials, and for broken JSON', async () => {
    h = await harness();
    expect((await h.raw('POST', SIGNIN, undefined, { nothing: true })).body.error.code).toBe('400000');
    const res = await h.app.inject({
      method: 'POST',
      url: SIGNIN,
      headers: { 'content-type': 'application/json' },
      payload: '{"credentials":',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('400000');
  });
});

describe('tokens', () => {
  let h: Harness;
  afterEach(async () => h?.app.close());

  it('answers 401000 without a token and 401002 for an unknown one', async () => {
    h = await harness();
    expect((await h.get('workbooks', '')).body).toEqual({
      error: { code: '401000', summary: 'Unauthorized Access', detail: 'No authentication credentials were provided.' },
    });
    const res = await h.get('workbooks', 'made-up');
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('401002');
  });

  it('a second sign-in with the same PAT invalidates the first token (one session per PAT)', async () => {
    h = await harness();
    const first = await h.signIn();
    expect((await h.get('workbooks', first)).status).toBe(200);
    const second = await h.signIn();
    expect((await h.get('workbooks', first)).body.error.code).toBe('401002');
    expect((await h.get('workbooks', second)).status).toBe(200);
    // another PAT's session is unaffected
    const other = await h.signIn({
      personalAccessTokenName: DEMO.otherPatName,
      personalAccessTokenSecret: DEMO.otherPatSecret,
      site: { contentUrl: DEMO.siteContentUrl },
    });
    await h.signIn();
    expect((await h.get('workbooks', other)).status).toBe(200);
  });

  it('expires tokens after the idle time, and use keeps them alive', async () => {
    const clock = new ManualClock();
    h = await harness({ clock, sessionIdleMinutes: 30 });
    const token = await h.signIn();
    clock.advance(29 * 60_000);
    expect((await h.get('projects', token)).status).toBe(200);
    clock.advance(29 * 60_000); // 58 minutes after sign-in, 29 after last use
    expect((await h.get('projects', token)).status).toBe(200);
    clock.advance(30 * 60_000 + 1);
    const res = await h.get('projects', token);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('401002');
  });

  it('signs out (204) and the token is dead afterwards', async () => {
    h = await harness();
    const token = await h.signIn();
    const out = await h.raw('POST', `/api/${V}/auth/signout`, token);
    expect(out.status).toBe(204);
    expect((await h.get('projects', token)).body.error.code).toBe('401002');
  });

  it('switches site: new token for the other site, old token ended', async () => {
    h = await harness();
    const token = await h.signIn();
    const res = await h.raw('POST', `/api/${V}/auth/switchSite`, token, { site: { contentUrl: '' } });
    expect(res.status).toBe(200);
    const creds = res.body.credentials;
    expect(creds.site.contentUrl).toBe('');
    expect(creds.token).not.toBe(token);
    expect((await h.raw('GET', `/api/${V}/sites/${creds.site.id}/workbooks`, creds.token)).status).toBe(200);
    expect((await h.get('projects', token)).body.error.code).toBe('401002');
    // the new token does not open the demo site
    expect((await h.get('projects', creds.token)).status).toBe(401);
    const same = await h.raw('POST', `/api/${V}/auth/switchSite`, creds.token, { site: { contentUrl: '' } });
    expect(same.body.error.code).toBe('403070');
  });

  it('answers 401003 "Switch site error" for a site that does not exist (Switch Site error table)', async () => {
    h = await harness();
    const token = await h.signIn();
    const res = await h.raw('POST', `/api/${V}/auth/switchSite`, token, { site: { contentUrl: 'no-such-site' } });
    expect(res.status).toBe(401);
    expect(res.body.error).toMatchObject({ code: '401003', summary: 'Switch site error' });
    // The session survives a failed switch.
    expect((await h.get('projects', token)).status).toBe(200);
  });

  it('answers 404000 for a site id that does not exist', async () => {
    h = await harness();
    const token = await h.signIn();
    const res = await h.raw('GET', `/api/${V}/sites/00000000-0000-0000-0000-000000000000/workbooks`, token);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('404000');
  });
});
