import { describe, expect, it } from 'vitest';

import { REFRESH_NAMESPACE, unwrapDocument, wrapDocument, wrapInCdata } from '../../../../addin/refresh/definitions/xml.js';

describe('custom XML part wrapping', () => {
  it('wraps JSON in a CDATA section of a namespaced root', () => {
    expect(wrapDocument('{"a":1}')).toBe('<tableauRefresh xmlns="urn:tableau-excel:refresh"><![CDATA[{"a":1}]]></tableauRefresh>');
  });

  it('splits "]]>" inside the JSON across two CDATA sections, and reads it back', () => {
    const json = JSON.stringify({ filter: 'a]]>b', more: ']]>]]>' });
    const cdata = wrapInCdata(json);
    // Exactly one real terminator per section: none appears inside a section's content.
    for (const section of cdata.split('<![CDATA[').slice(1)) expect(section.indexOf(']]>')).toBe(section.length - 3);
    const back = unwrapDocument(wrapDocument(json));
    expect(back).toEqual({ ok: true, text: json });
    expect(JSON.parse((back as { text: string }).text)).toEqual({ filter: 'a]]>b', more: ']]>]]>' });
  });

  it('reads what Excel or other tools may turn the part into', () => {
    const json = '{"x":"<&>"}';
    const variants = [
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n${wrapDocument(json)}`,
      `\uFEFF<tableauRefresh xmlns='${REFRESH_NAMESPACE}'>\n  <![CDATA[${json}]]>\n</tableauRefresh>\n`,
      `<t:tableauRefresh xmlns:t="${REFRESH_NAMESPACE}">{&quot;x&quot;:&quot;&lt;&amp;&#62;&quot;}</t:tableauRefresh>`,
      `<!-- saved by add-in --><tableauRefresh xmlns="${REFRESH_NAMESPACE}"><![CDATA[{"x":]]><![CDATA["<&>"}]]></tableauRefresh>`,
    ];
    for (const xml of variants) {
      const out = unwrapDocument(xml);
      expect(out.ok, xml).toBe(true);
      expect(JSON.parse((out as { text: string }).text)).toEqual({ x: '<&>' });
    }
  });

  it.each([
    ['<other xmlns="urn:tableau-excel:refresh"/>', /root element/],
    ['<tableauRefresh xmlns="urn:someone-else">{}</tableauRefresh>', /namespace is "urn:someone-else"/],
    ['<tableauRefresh>{}</tableauRefresh>', /namespace is ""/],
    [`<tableauRefresh xmlns="${REFRESH_NAMESPACE}"/>`, /empty/],
    [`<tableauRefresh xmlns="${REFRESH_NAMESPACE}"><![CDATA[{}]]>`, /does not end/],
    [`<tableauRefresh xmlns="${REFRESH_NAMESPACE}"><b>{}</b></tableauRefresh>`, /markup/],
  ])('refuses %s', (xml, message) => {
    const out = unwrapDocument(xml);
    expect(out.ok).toBe(false);
    expect((out as { message: string }).message).toMatch(message);
  });
});
