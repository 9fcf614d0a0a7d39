/**
 * Custom XML parts (ExcelApi 1.5) as a small document store, one part per namespace.
 * `getByNamespace` only finds a part whose ROOT element declares the namespace as its default
 * xmlns ("namespaceUri is only populated if the root element has xmlns",
 * docs/excel.md#custom-xml-parts), so we insist on it before writing.
 */
import { WorkbookError } from './gateway.js';

/** The default namespace of the root element, or null. */
export function rootNamespace(xml: string): string | null {
  const body = xml.replace(/<\?[\s\S]*?\?>/g, '').replace(/<!--[\s\S]*?-->/g, '');
  const root = /<([A-Za-z_][\w.-]*)(\s[^>]*)?\/?>/.exec(body);
  const m = root?.[2] ? /\sxmlns\s*=\s*("([^"]*)"|'([^']*)')/.exec(root[2]) : null;
  return m ? (m[2] ?? m[3]) : null;
}

export function assertRootNamespace(namespace: string, xml: string): void {
  if (!namespace.trim()) throw new WorkbookError('invalid-input', 'A document namespace is required.');
  const ns = rootNamespace(xml);
  if (ns !== namespace) {
    throw new WorkbookError(
      'invalid-input',
      `The XML's root element must declare xmlns="${namespace}" (found ${ns ? `"${ns}"` : 'none'}), or Excel cannot find it again.`,
    );
  }
}

/** Wraps JSON (or any text) in a namespaced root element; "]]>" is split so CDATA stays well-formed. */
export function wrapInCdata(root: string, namespace: string, text: string): string {
  const safe = text.replace(/]]>/g, ']]]]><![CDATA[>');
  const ns = namespace.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  return `<?xml version="1.0" encoding="UTF-8"?><${root} xmlns="${ns}"><![CDATA[${safe}]]></${root}>`;
}

/** The text inside the root element's CDATA sections (the inverse of wrapInCdata). */
export function unwrapCdata(xml: string): string {
  const parts = [...xml.matchAll(/<!\[CDATA\[([\s\S]*?)]]>/g)].map((m) => m[1]);
  return parts.join('');
}
