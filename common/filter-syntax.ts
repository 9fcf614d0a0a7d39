/**
 * Tableau REST filter syntax shared by the server's client and the pane's inventory form:
 * `field:op:value` expressions joined by commas, where `in:[a,b]` lists hold commas of their own.
 * Split on top-level commas only: tableau-mcp learned that splitting `in:[a,b]` naively made
 * Tableau reject every multi-value filter (parseAndValidateFilterString.ts splitTopLevel).
 */
export function splitTopLevel(filter: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of filter) {
    if (ch === '[') depth++;
    if (ch === ']') depth = Math.max(0, depth - 1);
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (cur) parts.push(cur);
  return parts;
}
