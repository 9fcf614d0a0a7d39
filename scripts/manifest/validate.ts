/**
 * Offline manifest validation: `office-addin-manifest validate` POSTs the file to Microsoft's
 * validation service (docs/excel.md#manifest), so CI checks the XML against the MS-OWEMXML
 * schemas with xmllint-wasm, then adds the checks the schemas cannot express.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { validateXML } from 'xmllint-wasm';

const XSD_DIR = fileURLToPath(new URL('./xsd/', import.meta.url));
/** The entry schema first; the others are what its xs:imports name (plain sibling file names). */
const ENTRY_XSD = 'OfficeAppManifestV1_1.xsd';
const IMPORTED_XSDS = [
  'OfficeAppBasicTypesV1_0.xsd',
  'TaskPaneAppVersionOverridesV1_0.xsd',
  'MailAppVersionOverridesV1_0.xsd',
  'MailAppVersionOverridesV1_1.xsd',
];

export interface ManifestProblem {
  kind: 'schema' | 'resid' | 'url' | 'runtime';
  message: string;
  line?: number;
}

export interface ManifestCheckOptions {
  /** false for production manifests: any localhost URL is then a problem. */
  allowLocalhost?: boolean;
}

function readXsd(name: string) {
  return { fileName: name, contents: readFileSync(XSD_DIR + name, 'utf8') };
}

/** XSD validation only: structure, element order, required elements, value formats. */
export async function checkSchema(xml: string): Promise<ManifestProblem[]> {
  const result = await validateXML({
    xml: [{ fileName: 'manifest.xml', contents: xml }],
    schema: [readXsd(ENTRY_XSD)],
    preload: IMPORTED_XSDS.map(readXsd),
  });
  if (result.valid) return [];
  // xmllint prints a parse error as three lines (message, source excerpt, caret); keep the
  // located ones, which carry the message.
  const located = result.errors.filter((e) => e.loc !== null);
  if (located.length === 0) return [{ kind: 'schema', message: result.rawOutput.trim() || 'The XML is not valid.' }];
  return located.map((e) => ({
    kind: 'schema' as const,
    message: e.message.replace(/^.*?(?:Schemas validity error|parser error) : /, ''),
    line: e.loc?.lineNumber,
  }));
}

/** Blanks comments out but keeps their newlines, so reported line numbers stay true. */
const withoutComments = (xml: string) => xml.replace(/<!--[\s\S]*?-->/g, (c) => c.replace(/[^\n]/g, ' '));

function lineOf(xml: string, index: number): number {
  return xml.slice(0, index).split('\n').length;
}

/** Checks the schemas cannot express (they run on the XML text; the schema check runs first). */
export function checkProjectRules(xml: string, options: ManifestCheckOptions = {}): ManifestProblem[] {
  const text = withoutComments(xml);
  const problems: ManifestProblem[] = [];

  const defined = new Set([...text.matchAll(/<bt:(?:Image|Url|String)\s+id="([^"]+)"/g)].map((m) => m[1]));
  for (const m of text.matchAll(/\bresid="([^"]+)"/g)) {
    if (!defined.has(m[1])) {
      problems.push({
        kind: 'resid',
        message: `resid "${m[1]}" is used but no <bt:Image>, <bt:Url> or <bt:String> has that id.`,
        line: lineOf(text, m.index),
      });
    }
  }

  const urls = [
    ...[...text.matchAll(/DefaultValue="([a-z][a-z0-9+.-]*:[^"]*)"/gi)].map((m) => ({ url: m[1], index: m.index })),
    ...[...text.matchAll(/<AppDomain>\s*([^<]*?)\s*<\/AppDomain>/g)].map((m) => ({ url: m[1], index: m.index })),
  ];
  for (const { url, index } of urls) {
    if (!url.startsWith('https://')) {
      problems.push({ kind: 'url', message: `${url} must use https:// (Office requires SSL for add-in URLs).`, line: lineOf(text, index) });
    } else if (!options.allowLocalhost && /^https:\/\/(localhost|127\.0\.0\.1|\[::1\])([:/]|$)/i.test(url)) {
      problems.push({
        kind: 'url',
        message: `${url} points at this machine; a production manifest needs the public host.`,
        line: lineOf(text, index),
      });
    }
  }

  // "The shared runtime won't load if the resid of the runtime isn't consistent in the manifest"
  // (https://learn.microsoft.com/office/dev/add-ins/testing/runtimes): the pane, the function file and the runtime must be one page.
  const runtime = /<Runtime\s+resid="([^"]+)"/.exec(text)?.[1];
  if (runtime) {
    const functionFile = /<FunctionFile\s+resid="([^"]+)"/.exec(text)?.[1];
    const panes = [...text.matchAll(/<Action\s+xsi:type="ShowTaskpane">[\s\S]*?<SourceLocation\s+resid="([^"]+)"/g)].map((m) => m[1]);
    for (const [what, resid] of [['FunctionFile', functionFile], ...panes.map((p) => ['ShowTaskpane SourceLocation', p])]) {
      if (resid !== undefined && resid !== runtime) {
        problems.push({
          kind: 'runtime',
          message: `${what} uses resid "${resid}" but the shared runtime is "${runtime}"; they must be the same page.`,
        });
      }
    }
  }
  return problems;
}

/** Schema + project checks; `valid` is true only when there is no problem at all. */
export async function validateManifest(
  xml: string,
  options: ManifestCheckOptions = {},
): Promise<{ valid: boolean; problems: ManifestProblem[] }> {
  const problems = await checkSchema(xml);
  problems.push(...checkProjectRules(xml, options));
  return { valid: problems.length === 0, problems };
}

export function formatProblems(problems: ManifestProblem[]): string {
  return problems.map((p) => `  - ${p.line ? `line ${p.line}: ` : ''}${p.message}`).join('\n');
}
