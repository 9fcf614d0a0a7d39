/**
 * Incremental CSV parsing with papaparse's core Parser, fed one text chunk at a time (the way
 * papaparse's own ChunkStreamer does it: parse `partial + chunk`, keep the unfinished last row for
 * the next chunk). We drive it ourselves rather than through Papa.NODE_STREAM_INPUT because that
 * duplex drops parse errors and decodes each Buffer on its own, which splits a UTF-8 character that
 * straddles two chunks.
 */
import Papa from 'papaparse';

import { parseErrorMessage, stripBom } from './csv-rows.js';
import { pullWork } from './turn-budget.js';

export type CsvInput = AsyncIterable<string | Uint8Array> | NodeJS.ReadableStream;

/** Text of a byte/string stream; TextDecoder stream mode keeps split UTF-8 sequences intact. */
export async function* textChunks(input: CsvInput): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  let first = true;
  for await (const chunk of input as AsyncIterable<string | Uint8Array>) {
    let text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    if (first && text) {
      text = stripBom(text);
      first = false;
    }
    if (text) yield text;
  }
  const tail = decoder.decode();
  if (tail) yield tail;
}

export type LineEnd = '\n' | '\r\n' | '\r';

export function guessNewline(text: string): LineEnd | null {
  const nl = text.indexOf('\n');
  if (nl > 0 && text.charCodeAt(nl - 1) === 13) return '\r\n';
  if (nl >= 0) return '\n';
  // A lone '\r' counts only when something other than '\n' follows it (the next chunk may start with '\n').
  const cr = text.indexOf('\r');
  return cr !== -1 && cr < text.length - 1 ? '\r' : null;
}

/**
 * Rows of a CSV text stream, in arrays of the rows each chunk completed. `from` continues a stream
 * from one of its records (csv-slices.ts): its line end, and the rows before (for error rows).
 */
export async function* csvRowChunks(
  texts: AsyncIterable<string>,
  from: { newline: LineEnd; rowsBefore: number } | null = null,
): AsyncGenerator<string[][]> {
  let parser: Papa.Parser | null = from && new Papa.Parser({ delimiter: ',', newline: from.newline, quoteChar: '"' });
  let partial = '';
  let base = 0;
  let rowsBefore = from?.rowsBefore ?? 0;
  const check = (res: Papa.ParseResult<string[]>) => {
    const fatal = res.errors.find((e) => e.type === 'Quotes');
    if (fatal) throw parseErrorMessage({ ...fatal, row: (fatal.row ?? 0) + rowsBefore });
    rowsBefore += res.data.length;
    return res.data;
  };
  let lineEnd = from?.newline === '\r' ? '\r' : '\n';
  for await (const text of texts) {
    const aggregate = partial + text;
    if (!parser) {
      const newline = guessNewline(aggregate);
      if (!newline) {
        partial = aggregate; // no line end yet: wait for more text
        continue;
      }
      lineEnd = newline === '\r' ? '\r' : '\n';
      parser = new Papa.Parser({ delimiter: ',', newline, quoteChar: '"' });
    }
    // Parse only up to the last line end: a chunk that stops between a closing quote and its
    // "\r\n" would otherwise read as a stray quote.
    const cut = aggregate.lastIndexOf(lineEnd) + 1;
    if (cut === 0) {
      partial = aggregate;
      continue;
    }
    // Parsing a chunk is a slice of the server's shared budget per turn (turn-budget.ts).
    const chunkParser = parser;
    const res = await pullWork.run(
      () => chunkParser.parse(cut === aggregate.length ? aggregate : aggregate.slice(0, cut), base, true) as Papa.ParseResult<string[]>,
    );
    const cursor = res.meta.cursor;
    partial = aggregate.substring(cursor - base);
    base = cursor;
    const rows = check(res);
    if (rows.length) yield rows;
  }
  if (!parser) parser = new Papa.Parser({ delimiter: ',', newline: '\n', quoteChar: '"' });
  if (partial) {
    const rows = check(parser.parse(partial, base, false) as Papa.ParseResult<string[]>);
    if (rows.length) yield rows;
  }
}
