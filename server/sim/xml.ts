/**
 * Minimal reader for `<tsRequest>` bodies (sign-in, switch site, refresh), which TSC sends as XML
 * (request_factory.py). Only element attributes matter for these requests, so this reads
 * `<name a="v" .../>` pairs with a regex instead of pulling in an XML parser.
 */
export type XmlAttrs = Record<string, string>;

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const unescapeXml = (s: string) =>
  s.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (m, e: string) =>
    e[0] === '#' ? String.fromCodePoint(Number(e[1] === 'x' || e[1] === 'X' ? `0${e.slice(1)}` : e.slice(1))) : (ENTITIES[e] ?? m),
  );

/** First occurrence of each element name (namespace prefixes dropped) → its attributes. */
export function readXmlElements(xml: string): Map<string, XmlAttrs> {
  const out = new Map<string, XmlAttrs>();
  for (const m of xml.matchAll(/<([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*\/?>/g)) {
    const name = m[2];
    if (out.has(name)) continue;
    const attrs: XmlAttrs = {};
    for (const a of m[3].matchAll(/([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) attrs[a[1]] = unescapeXml(a[2] ?? a[3] ?? '');
    out.set(name, attrs);
  }
  return out;
}

/** XML sign-in body → the JSON body shape (`{credentials:{..., site:{contentUrl}}}`). */
export function xmlToTsRequest(xml: string): Record<string, unknown> {
  const el = readXmlElements(xml);
  const out: Record<string, unknown> = {};
  const creds = el.get('credentials');
  const site = el.get('site');
  if (creds) {
    out.credentials = { ...creds, site: site ?? {}, ...(el.has('user') ? { user: el.get('user') } : {}) };
  } else if (site) out.site = site;
  const refresh = el.get('extractRefresh');
  if (refresh) out.extractRefresh = refresh;
  const webhook = el.get('webhook');
  if (webhook) out.webhook = webhookFromXml(el, webhook);
  // The write bodies of routes/provisioning.ts: one element of attributes each (TSC request_factory.py
  // UserRequest.add_req / update_req, GroupRequest.create_local_req / add_user_req, ProjectRequest.create_req).
  for (const name of ['group', 'project'] as const) {
    const attrs = el.get(name);
    if (attrs) out[name] = attrs;
  }
  if (!creds && el.has('user')) out.user = el.get('user');
  return out;
}

/**
 * `<webhook name event isEnabled><webhook-source><webhook-source-event-…/></webhook-source>
 * <webhook-destination><webhook-destination-http method url/></webhook-destination></webhook>`
 * (tableau/webhooks-docs README.md "Create a Webhook") → the JSON body shape.
 */
function webhookFromXml(el: Map<string, XmlAttrs>, attrs: XmlAttrs): Record<string, unknown> {
  const names = [...el.keys()];
  const at = names.indexOf('webhook-source');
  // The element right after <webhook-source> is its event (unless the source is empty).
  const event = at >= 0 && names[at + 1] && !names[at + 1].startsWith('webhook-destination') ? names[at + 1] : undefined;
  const http = el.get('webhook-destination-http');
  return {
    ...attrs,
    ...(at >= 0 ? { 'webhook-source': event ? { [event]: {} } : {} } : {}),
    ...(el.has('webhook-destination') ? { 'webhook-destination': http ? { 'webhook-destination-http': http } : {} } : {}),
  };
}
