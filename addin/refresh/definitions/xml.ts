/**
 * The custom XML part that carries the refresh document (docs/excel.md#custom-xml-parts):
 *   <tableauRefresh xmlns="urn:tableau-excel:refresh"><![CDATA[{json}]]></tableauRefresh>
 * Excel finds it with customXmlParts.getByNamespace, which needs the root's xmlns. Other tools
 * (or Excel itself) may re-serialise the part with an XML declaration, a prefix, or the JSON as
 * escaped text instead of CDATA, so the reader accepts all of those.
 */

export const REFRESH_NAMESPACE = 'urn:tableau-excel:refresh';
/** Where an unreadable document is kept when the user chooses to start over. */
export const BACKUP_NAMESPACE = 'urn:tableau-excel:refresh-backup';
const ROOT = 'tableauRefresh';

/**
 * JSON inside CDATA. A CDATA section ends at the first "]]>", so one inside the JSON (a filter
 * value can hold anything) is split across two sections: "]]" ends one, ">" starts the next.
 */
export function wrapInCdata(text: string): string {
  return `<![CDATA[${text.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
}

export function wrapDocument(json: string, namespace = REFRESH_NAMESPACE): string {
  return `<${ROOT} xmlns="${namespace}">${wrapInCdata(json)}</${ROOT}>`;
}

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|lt|gt|amp|quot|apos);/gi, (_, e: string) => {
    const lower = e.toLowerCase();
    if (lower.startsWith('#x')) return String.fromCodePoint(parseInt(lower.slice(2), 16));
    if (lower.startsWith('#')) return String.fromCodePoint(parseInt(lower.slice(1), 10));
    return ({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" } as Record<string, string>)[lower];
  });
}

type UnwrapResult = { ok: true; text: string } | { ok: false; message: string };

/** The text content of the root element (CDATA sections and escaped text, concatenated). */
export function unwrapDocument(xml: string, namespace = REFRESH_NAMESPACE): UnwrapResult {
  const body = xml
    .replace(/^\uFEFF/, '')
    .replace(/^\s*<\?xml[^>]*\?>/, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .trim();
  const open = new RegExp(`^<(?:([A-Za-z_][\\w.-]*):)?${ROOT}((?:\\s+[^>]*?)?)\\s*(/?)>`).exec(body);
  if (!open) return { ok: false, message: `the root element is not <${ROOT}>.` };
  const [whole, prefix, attrs, selfClosing] = open;
  const nsAttr = prefix ? `xmlns:${prefix}` : 'xmlns';
  const declared = new RegExp(`(?:^|\\s)${nsAttr}\\s*=\\s*(["'])(.*?)\\1`).exec(attrs)?.[2];
  if (declared !== namespace) return { ok: false, message: `the part's namespace is "${declared ?? ''}", not "${namespace}".` };
  if (selfClosing) return { ok: false, message: 'the part is empty.' };
  const close = `</${prefix ? `${prefix}:` : ''}${ROOT}>`;
  if (!body.endsWith(close)) return { ok: false, message: `the part does not end with ${close}.` };
  const inner = body.slice(whole.length, body.length - close.length);
  let text = '';
  const pieces = /<!\[CDATA\[([\s\S]*?)\]\]>|([^<]+)|(<)/g;
  for (let m = pieces.exec(inner); m; m = pieces.exec(inner)) {
    if (m[3] !== undefined) return { ok: false, message: 'the part holds markup where only the settings text belongs.' };
    text += m[1] !== undefined ? m[1] : decodeEntities(m[2]);
  }
  return { ok: true, text };
}
