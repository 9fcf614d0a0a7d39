/**
 * Deterministic, seeded Superstore-like orders (same seed + row count → same data, byte for byte).
 * Columnar storage keeps 1,000,000 rows around 170 MB and builds them in about a second.
 */
import { CATALOG, FIRST_NAMES, LAST_NAMES, NOTES, PACK_SIZES, PLACES, SEGMENTS, SHIP_MODES } from './superstore-lists.js';
import { type Column, type Dataset, dayOf, MS_PER_DAY, NULL_CODE } from './types.js';

/** mulberry32: tiny, fast, good enough for test data. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const round4 = (v: number): number => Math.round(v * 10_000) / 10_000;
const FIRST_DAY = dayOf(2021, 1, 1);
const DAYS = dayOf(2024, 12, 31) - FIRST_DAY + 1;
const DISCOUNTS = [0, 0, 0, 0, 0.1, 0.2, 0.2, 0.3, 0.4, 0.5, 0.7, 0.8];
const COLOURS = ['Black', 'Blue', 'Gray', 'Red', 'White'];

interface Product {
  id: string;
  name: string;
  category: string;
  sub: string;
  price: number;
  margin: number;
  pack: string;
}
interface Customer {
  id: string;
  code: string;
  name: string;
  segment: string;
  place: number;
  note: string | null;
}

function products(rand: () => number): Product[] {
  const out: Product[] = [];
  CATALOG.forEach(([category, sub, stems]) => {
    stems.forEach((stem) => {
      for (const colour of COLOURS) {
        const serial = 10_000_000 + out.length * 137;
        out.push({
          id: `${category.slice(0, 3).toUpperCase()}-${sub.slice(0, 2).toUpperCase()}-${serial}`,
          name: `${stem}, ${colour}`,
          category,
          sub,
          price: round4(Math.exp(1 + rand() * 6.5)),
          margin: 0.05 + rand() * 0.4,
          pack: PACK_SIZES[Math.floor(rand() * PACK_SIZES.length)],
        });
      }
    });
  });
  return out;
}

function customers(rand: () => number, count: number): Customer[] {
  const out: Customer[] = [];
  for (let idx = 0; idx < count; idx++) {
    const first = FIRST_NAMES[Math.floor(rand() * FIRST_NAMES.length)];
    const last = LAST_NAMES[Math.floor(rand() * LAST_NAMES.length)];
    out.push({
      id: `${first[0]}${last.replace(/[^A-Za-z]/g, '')[0]}-${10_000 + ((idx * 7919) % 90_000)}`,
      code: String(idx + 1).padStart(5, '0'),
      name: `${first} ${last}`,
      segment: SEGMENTS[Math.floor(rand() * SEGMENTS.length)],
      place: Math.floor(rand() * PLACES.length),
      note: rand() < 0.15 ? NOTES[Math.floor(rand() * NOTES.length)] : null,
    });
  }
  return out;
}

export interface SuperstoreData {
  dataset: Dataset;
  /** Re-derives Sales and Profit from the generated base values for a data version and factor. */
  revalue(version: number, salesFactor: number): void;
}

export function generateSuperstore(key: string, name: string, rowCount: number, seed = 20_240_101): SuperstoreData {
  const rand = seededRandom(seed);
  const prods = products(rand);
  const custs = customers(rand, Math.min(89_999, Math.max(793, Math.floor(rowCount / 12))));
  const n = rowCount;
  const num = () => new Float64Array(n);
  const rowId = num(),
    sales = num(),
    quantity = num(),
    discount = num(),
    profit = num(),
    stamp = num();
  const orderDate = new Int32Array(n),
    shipDate = new Int32Array(n),
    returned = new Uint8Array(n);
  // Dictionary codes are written directly (no per-row hash lookups): per customer, place and product.
  const codes = () => new Uint32Array(n);
  const orderId = codes(),
    shipMode = codes(),
    cust = codes(),
    custName = codes(),
    notes = codes(),
    segment = codes(),
    country = codes(),
    place = codes(),
    state = codes(),
    region = codes(),
    prod = codes(),
    category = codes(),
    sub = codes(),
    prodName = codes(),
    pack = codes();
  const orderIds: string[] = [];
  const dict = (values: string[]) => {
    const d = [...new Set(values)];
    const at = new Map(d.map((v, k) => [v, k]));
    return { d, code: values.map((v) => at.get(v)!) };
  };
  const names = dict(custs.map((c) => c.name));
  const custNotes = dict(custs.map((c) => c.note ?? ''));
  const states = dict(PLACES.map((p) => p[1]));
  const regions = dict(PLACES.map((p) => p[2]));
  const categories = dict(prods.map((p) => p.category));
  const subs = dict(prods.map((p) => p.sub));
  const packs = dict(prods.map((p) => p.pack));
  const prodNames = dict(prods.map((p) => p.name));

  let i = 0;
  while (i < n) {
    const day = FIRST_DAY + Math.floor(rand() * DAYS);
    const year = new Date(day * MS_PER_DAY).getUTCFullYear();
    const order = orderIds.length;
    orderIds.push(`US-${year}-${100_000 + order}`);
    const c = Math.floor(rand() * custs.length);
    const customer = custs[c];
    const mode = Math.floor(rand() * SHIP_MODES.length);
    const maxShipDays = SHIP_MODES[mode][1];
    const ship = day + Math.floor(rand() * (maxShipDays + 1)) + (maxShipDays > 0 ? 1 : 0);
    const time = (8 * 3600 + Math.floor(rand() * 12 * 3600)) * 1000;
    const isReturned = rand() < 0.08 ? 1 : 0;
    const lines = 1 + Math.floor(rand() * 4);
    for (let l = 0; l < lines && i < n; l++, i++) {
      const pi = Math.floor(rand() * prods.length);
      const p = prods[pi];
      const q = 1 + Math.floor(rand() * 14);
      const d = DISCOUNTS[Math.floor(rand() * DISCOUNTS.length)];
      const amount = round4(p.price * q * (1 - d));
      rowId[i] = i + 1;
      orderId[i] = order;
      orderDate[i] = day;
      stamp[i] = day * MS_PER_DAY + time;
      shipDate[i] = ship;
      shipMode[i] = mode;
      cust[i] = c;
      custName[i] = names.code[c];
      notes[i] = customer.note === null ? NULL_CODE : custNotes.code[c];
      segment[i] = SEGMENTS.indexOf(customer.segment);
      country[i] = 0;
      place[i] = customer.place;
      state[i] = states.code[customer.place];
      region[i] = regions.code[customer.place];
      prod[i] = pi;
      category[i] = categories.code[pi];
      sub[i] = subs.code[pi];
      prodName[i] = prodNames.code[pi];
      pack[i] = packs.code[pi];
      sales[i] = amount;
      quantity[i] = q;
      discount[i] = d;
      profit[i] = round4(amount * (p.margin - d * 0.9 + (rand() - 0.5) * 0.1));
      returned[i] = isReturned;
    }
  }

  const T = 'Orders_ECFCA1FB690A41FE803BC071773BA862';
  const R = 'Returns_2AA0FE4D737A4F63970131D0E7480A03';
  const dim = (caption: string, codes: Uint32Array, dict: string[], fieldName = caption): Column => ({
    caption,
    fieldName,
    role: 'DIMENSION',
    logicalTableId: T,
    dataType: 'STRING',
    codes,
    dict,
  });
  const measure = (caption: string, dataType: 'INTEGER' | 'REAL', values: Float64Array): Column => ({
    caption,
    fieldName: caption,
    role: 'MEASURE',
    logicalTableId: T,
    dataType,
    values,
  });
  const columns: Column[] = [
    { caption: 'Row ID', fieldName: 'Row ID', role: 'DIMENSION', logicalTableId: T, dataType: 'INTEGER', values: rowId, unique: true },
    dim('Order ID', orderId, orderIds),
    { caption: 'Order Date', fieldName: 'Order Date', role: 'DIMENSION', logicalTableId: T, dataType: 'DATE', values: orderDate },
    { caption: 'Order Timestamp', fieldName: 'Order Timestamp', role: 'DIMENSION', logicalTableId: T, dataType: 'DATETIME', values: stamp },
    { caption: 'Ship Date', fieldName: 'Ship Date', role: 'DIMENSION', logicalTableId: T, dataType: 'DATE', values: shipDate },
    dim(
      'Ship Mode',
      shipMode,
      SHIP_MODES.map((m) => m[0]),
    ),
    // Customer ID and Customer Code are unique per customer: they share the customer index codes.
    dim(
      'Customer ID',
      cust,
      custs.map((c) => c.id),
    ),
    dim(
      'Customer Code',
      cust,
      custs.map((c) => c.code),
    ),
    dim('Customer Name', custName, names.d),
    dim('Customer Notes', notes, custNotes.d),
    dim('Segment', segment, [...SEGMENTS]),
    dim('Country/Region', country, ['United States'], 'Country'),
    dim(
      'City',
      place,
      PLACES.map((p) => p[0]),
    ),
    dim('State/Province', state, states.d, 'State'),
    dim(
      'Postal Code',
      place,
      PLACES.map((p) => p[3]),
    ),
    dim('Region', region, regions.d),
    dim(
      'Product ID',
      prod,
      prods.map((p) => p.id),
    ),
    dim('Category', category, categories.d),
    dim('Sub-Category', sub, subs.d),
    dim('Product Name', prodName, prodNames.d),
    dim('Pack Size', pack, packs.d),
    measure('Sales', 'REAL', sales),
    measure('Quantity', 'INTEGER', quantity),
    measure('Discount', 'REAL', discount),
    measure('Profit', 'REAL', profit),
    { caption: 'Returned', fieldName: 'Returned', role: 'DIMENSION', logicalTableId: R, dataType: 'BOOLEAN', values: returned },
  ];

  const dataset: Dataset = {
    key,
    name,
    rowCount: n,
    columns,
    version: 0,
    logicalTables: [
      { logicalTableId: T, caption: 'Orders' },
      { logicalTableId: R, caption: 'Returns' },
    ],
    calcs: [
      {
        caption: 'Profit Ratio',
        fieldName: 'Calculation_5571209093911105',
        formula: 'SUM([Profit])/SUM([Sales])',
        dataType: 'REAL',
        role: 'MEASURE',
      },
      {
        caption: 'Within Discount Threshold',
        fieldName: 'Calculation_1368249927221915648',
        formula: '[Discount] <= [Parameters].[Discount Threshold]',
        dataType: 'BOOLEAN',
        role: 'DIMENSION',
      },
      {
        caption: 'Selected Segment Sales',
        fieldName: 'Calculation_3916130183470624768',
        formula: 'IIF([Segment] = [Parameters].[Segment Choice], [Sales], 0)',
        dataType: 'REAL',
        role: 'MEASURE',
      },
    ],
    parameters: [
      {
        caption: 'Top Customers',
        name: 'Parameter 1',
        parameterType: 'QUANTITATIVE_RANGE',
        dataType: 'INTEGER',
        value: 100,
        min: 1,
        max: 1000,
        step: 1,
      },
      {
        caption: 'Discount Threshold',
        name: 'Parameter 2',
        parameterType: 'QUANTITATIVE_RANGE',
        dataType: 'REAL',
        value: 0.8,
        min: 0,
        max: 0.8,
        step: 0.05,
      },
      {
        caption: 'Segment Choice',
        name: 'Parameter 3',
        parameterType: 'LIST',
        dataType: 'STRING',
        value: 'Consumer',
        members: [...SEGMENTS],
      },
    ],
  };

  // Copies of the generated values are taken on the first change only (saves 16 MB per million rows).
  let baseSales: Float64Array | undefined;
  let baseProfit: Float64Array | undefined;
  const revalue = (version: number, salesFactor: number): void => {
    baseSales ??= sales.slice();
    baseProfit ??= profit.slice();
    // Each version moves every row's Sales by a deterministic −10%..+10%, so totals visibly change.
    for (let r = 0; r < n; r++) {
      const wobble = version === 0 ? 1 : 1 + (((((r + 1) * 2_654_435_761 + version * 40_503) >>> 0) % 21) - 10) / 100;
      sales[r] = round4(baseSales![r] * wobble * salesFactor);
      profit[r] = round4(baseProfit![r] * wobble * salesFactor);
    }
  };
  return { dataset, revalue };
}
