/**
 * JSON → Tableau XML, for clients that ask for XML (TSC parses `<tsResponse xmlns="http://tableau.com/api">`).
 * The simulator's JSON is the XML-converted form Tableau itself sends, so the mapping is mechanical:
 * scalars are attributes, objects are child elements, arrays repeat their key, `{}` is an empty
 * element — except the few values Tableau sends as element TEXT (error summary/detail, serverInfo).
 */
// `body` of webhookTestResult is element text (tableau/webhooks-docs README.md "Test a Webhook").
const TEXT_ELEMENTS = new Set(['summary', 'detail', 'restApiVersion', 'connectionLuid', 'body']);

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function element(name: string, value: unknown, out: string[]): void {
  if (Array.isArray(value)) {
    for (const v of value) element(name, v, out);
    return;
  }
  if (value === null || typeof value !== 'object') {
    out.push(`<${name}>${esc(String(value))}</${name}>`);
    return;
  }
  const attrs: string[] = [];
  const children: string[] = [];
  let text = '';
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (v === undefined) continue;
    if (k === 'value' && name === 'productVersion') text = esc(String(v));
    else if (typeof v === 'object' && v !== null) element(k, v, children);
    else if (TEXT_ELEMENTS.has(k)) element(k, v, children);
    else attrs.push(` ${k}="${esc(String(v))}"`);
  }
  const open = `<${name}${attrs.join('')}`;
  out.push(children.length === 0 && !text ? `${open}/>` : `${open}>${text}${children.join('')}</${name}>`);
}

export function toTsResponseXml(body: Record<string, unknown>): string {
  const out: string[] = [];
  for (const [k, v] of Object.entries(body)) element(k, v, out);
  return `<?xml version='1.0' encoding='UTF-8'?><tsResponse xmlns="http://tableau.com/api" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">${out.join('')}</tsResponse>`;
}

/** Explicit Accept wins; otherwise the simulator's default (JSON unless configured `xml`, Tableau's own default). */
export function wantsXml(accept: string | undefined, defaultFormat: 'json' | 'xml'): boolean {
  const a = (accept ?? '').toLowerCase();
  if (a.includes('json')) return false;
  if (a.includes('xml')) return true;
  return defaultFormat === 'xml';
}
