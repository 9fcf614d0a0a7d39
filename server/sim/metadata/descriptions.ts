/**
 * Field descriptions of the demo's published data sources, as a data steward writes them in Tableau
 * (Data Management: a field's description is edited on the data source's page and served by the
 * Metadata API as `Field.description`, https://help.tableau.com/current/online/en-us/datasource_dataquality.htm
 * and https://help.tableau.com/current/api/metadata_api/en-us/reference/field.doc.html). Fields left
 * out here have no description (""), as most fields on a real site do.
 */
const SUPERSTORE: Record<string, string> = {
  'Row ID': 'One number per order line; unique across the data source.',
  'Order ID': 'The order the line belongs to; one order has one or more lines.',
  'Order Date': 'The day the customer placed the order.',
  'Ship Date': 'The day the order left the warehouse.',
  'Ship Mode': 'How the order was shipped: Same Day, First Class, Second Class or Standard Class.',
  'Customer Name': "The customer's name as billed.",
  Segment: 'Customer segment: Consumer, Corporate or Home Office.',
  Region: 'Sales region of the shipping address (Central, East, South, West).',
  Category: 'Product category: Furniture, Office Supplies or Technology.',
  'Sub-Category': 'Product sub-category within the category.',
  Sales: 'Revenue of the order line in USD, after discount.',
  Quantity: 'Units sold on the order line.',
  Discount: 'Discount given on the order line, as a fraction of the list price (0.2 = 20%).',
  Profit: 'Profit of the order line in USD: sales minus cost.',
  'Profit Ratio': 'Profit divided by sales, over whatever the view aggregates.',
};

const BY_DATASET: Record<string, Record<string, string>> = {
  'superstore-orders': SUPERSTORE,
  'superstore-large': SUPERSTORE,
};

export function fieldDescription(datasetKey: string, caption: string): string {
  return BY_DATASET[datasetKey]?.[caption] ?? '';
}
