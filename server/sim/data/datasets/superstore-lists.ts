/** Reference lists for the Superstore-like generator (names modelled on Tableau's sample data). */

/** [City, State/Province, Region, Postal Code]: postal codes are text, several with leading zeros. */
export const PLACES: Array<[string, string, string, string]> = [
  ['New York City', 'New York', 'East', '10035'],
  ['Boston', 'Massachusetts', 'East', '02134'],
  ['Philadelphia', 'Pennsylvania', 'East', '19120'],
  ['Newark', 'New Jersey', 'East', '07102'],
  ['Providence', 'Rhode Island', 'East', '02908'],
  ['Burlington', 'Vermont', 'East', '05401'],
  ['Hartford', 'Connecticut', 'East', '06106'],
  ['Los Angeles', 'California', 'West', '90036'],
  ['San Francisco', 'California', 'West', '94110'],
  ['Seattle', 'Washington', 'West', '98105'],
  ['Portland', 'Oregon', 'West', '97206'],
  ['Phoenix', 'Arizona', 'West', '85023'],
  ['Denver', 'Colorado', 'West', '80219'],
  ['Chicago', 'Illinois', 'Central', '60653'],
  ['Houston', 'Texas', 'Central', '77095'],
  ['Detroit', 'Michigan', 'Central', '48205'],
  ['Minneapolis', 'Minnesota', 'Central', '55407'],
  ['Milwaukee', 'Wisconsin', 'Central', '53209'],
  ['Columbus', 'Ohio', 'East', '43229'],
  ['Atlanta', 'Georgia', 'South', '30318'],
  ['Miami', 'Florida', 'South', '33142'],
  ['Nashville', 'Tennessee', 'South', '37211'],
  ['Louisville', 'Kentucky', 'South', '40214'],
  ['Jackson', 'Mississippi', 'South', '39212'],
  ['Charlotte', 'North Carolina', 'South', '28205'],
];

export const SEGMENTS = ['Consumer', 'Corporate', 'Home Office'];
export const SHIP_MODES: Array<[string, number]> = [['Standard Class', 4], ['Second Class', 3], ['First Class', 2], ['Same Day', 0]];

/** [Category, Sub-Category, product stems, pack sizes]. */
export const CATALOG: Array<[string, string, string[]]> = [
  ['Furniture', 'Bookcases', ['Bush Somerset Collection Bookcase', 'Sauder Barrister Bookcase', 'O\'Sullivan 5-Shelf Bookcase']],
  ['Furniture', 'Chairs', ['Hon Deluxe Fabric Chair', 'Global Leather Task Chair', 'Novimex Swivel Stacking Chair']],
  ['Furniture', 'Tables', ['Bretford CR4500 Round Table', 'Chromcraft Rectangular Table']],
  ['Furniture', 'Furnishings', ['Eldon Expressions Desk Accessory', 'Howard Miller 13" Wall Clock']],
  ['Office Supplies', 'Binders', ['Avery Durable Binder', 'GBC DocuBind Binding System', 'Wilson Jones Ring Binder']],
  ['Office Supplies', 'Paper', ['Xerox 1967 Paper', 'Easy-staple paper', 'Southworth 25% Cotton Paper']],
  ['Office Supplies', 'Storage', ['Fellowes Super Stor/Drawer', 'Tennsco Lockers, Gray']],
  ['Office Supplies', 'Art', ['Newell 322 Pencils', 'Prismacolor Markers, 12/Pack']],
  ['Office Supplies', 'Labels', ['Avery 508 Labels', 'Self-Adhesive Address Labels']],
  ['Technology', 'Phones', ['Apple iPhone 15', 'Cisco IP Phone 7945', 'Samsung Galaxy S24']],
  ['Technology', 'Accessories', ['Logitech MX Master Mouse', 'Plantronics Headset', 'SanDisk 128GB Drive']],
  ['Technology', 'Machines', ['Canon imageCLASS Copier', 'HP LaserJet Printer']],
  ['Technology', 'Copiers', ['Hewlett Packard 610 Copier']],
];

/** Mostly numeric, sometimes text: the "mixed column" clients must not coerce blindly. */
export const PACK_SIZES = ['1', '6', '12', '24', '50', '100', 'N/A', 'assorted'];

export const FIRST_NAMES = ['Claire', 'Darrin', 'Sean', 'Brosina', 'Andrew', 'Irene', 'Harold', 'Pete', 'Alejandro', 'Zuschuss',
  'Ken', 'Sandra', 'Emily', 'Eric', 'Tracy', 'Matt', 'Gene', 'Steve', 'Linda', 'Ruben', 'Erin', 'Odella', 'Patrick', 'Lena',
  'Janet', 'Ted', 'Kunst', 'Jim', 'Maria', 'Anna'];
export const LAST_NAMES = ['Gute', 'Van Huff', "O'Donnell", 'Hoffman', 'Allen', 'Maddox', 'Pawlan', 'Kriz', 'Grove', 'Carroll',
  'Lonsdale', 'Flanagan', 'Phan', 'Hoffmann', 'Miller', 'Abelman', 'Hale', 'Dahlen', 'Nelson', 'Sánchez', 'Smith', 'Nguyen',
  'Müller', 'Zhang', 'García', 'Kowalski', 'Dubois', 'Rossi', 'Jensen', 'Okafor'];

/** Free-text notes; some start with characters spreadsheets treat as formulas (CSV injection). */
export const NOTES = [
  '=HYPERLINK("http://example.com","click")', '+1 555 0100', '-5% agreed discount', '@sales-team follow up',
  'VIP, net 30 terms', 'Prefers "express" delivery', 'Line one\nline two',
];
