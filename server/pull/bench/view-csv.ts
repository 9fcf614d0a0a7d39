/**
 * Builds a formatted view CSV like Tableau's export (en-US): text, dates, currency, grouped integers,
 * percents, negative currency and ZIP codes with leading zeros. Deterministic (no Math.random).
 */
const REGIONS = ['Central', 'East', 'South', 'West'];
const CATEGORIES = ['Furniture', 'Office Supplies', 'Technology'];
const NAMES = ['Aaron Bergman', 'Claire Gute', 'Darrin Van Huff', "Sean O'Donnell", 'Brosina Hoffman'];

function money(cents: number): string {
  const neg = cents < 0;
  const abs = Math.abs(cents);
  const whole = Math.floor(abs / 100).toLocaleString('en-US');
  const text = `$${whole}.${String(abs % 100).padStart(2, '0')}`;
  return neg ? `-${text}` : text;
}

export function viewCsv(rows: number): string {
  const out: string[] = ['Order ID,Order Date,Region,Category,Customer Name,Sales,Quantity,Discount,Profit,Postal Code'];
  let seed = 12345;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
  for (let i = 0; i < rows; i++) {
    const r = next();
    const date = `${(r % 12) + 1}/${(r % 28) + 1}/${2015 + (r % 10)}`;
    const sales = money(r % 10_000_000);
    const qty = (r % 20_000).toLocaleString('en-US');
    const discount = `${(r % 800) / 10}%`;
    const profit = money((r % 2_000_000) - 1_000_000);
    const zip = String(r % 100_000).padStart(5, '0');
    out.push(`CA-${2015 + (r % 10)}-${String(i).padStart(6, '0')},${date},${REGIONS[r % 4]},${CATEGORIES[r % 3]},${NAMES[r % 5]},"${sales}","${qty}",${discount},"${profit}",${zip}`);
  }
  return out.join('\n') + '\n';
}
