/** Data catalog of the simulator: datasets and view data keys. */
export function registerCsvDataset(path: string): { dataKey: string; name: string; columns: string[] } {
  const name = path.split(/[\\/]/).pop() ?? path;
  return { dataKey: `csv:${name}`, name, columns: [] };
}
