/**
 * The locale a view's CSV was formatted in decides what "1,234" and "1/5/2024" mean. Tableau formats
 * the whole export in one locale, so with `locale: 'auto'` we decide ONCE for the file, from values
 * that only one reading accepts ("$711.83" can only be dot-decimal, "14,4 %" only comma-decimal,
 * "31.12.2024" is German, "13/01/2024" is day-first). Ambiguous values vote for nothing; when
 * nothing votes, en-US (Tableau's default) wins.
 */
import { PullDataError } from '../errors.js';
import { type ColumnStats, P_DATE, P_NUMBER } from './column-stats.js';
import { F_ABY } from './date-scan.js';
import { type SeparatorStyle, STYLE_COMMA_DECIMAL, STYLE_DOT_DECIMAL } from './number-scan.js';

type DateOrder = 'mdy' | 'dmy';

export interface LocaleRule {
  /** Canonical id of what was used ('en-US', 'en-GB', 'de-DE' or the option given). */
  id: string;
  style: SeparatorStyle;
  dateOrder: DateOrder;
}

/** Languages that write 1.234,56 (or 1 234,56, which groups with a thin space in any style). */
const COMMA_DECIMAL_LANGS = new Set(['de', 'fr', 'es', 'it', 'nl', 'pt', 'da', 'sv', 'nb', 'no', 'fi', 'pl', 'cs', 'ru', 'tr', 'id']);

class UnsupportedLocaleError extends PullDataError {
  constructor(message: string) {
    super('invalid-input', message);
  }
}

/** The rule for an explicit locale such as 'en-US', 'en-GB', 'de-DE', 'de-CH', 'fr-FR'. */
export function localeRule(locale: string): LocaleRule {
  const m = /^([a-z]{2,3})(?:[-_]([a-z]{2}))?$/i.exec(locale.trim());
  if (!m) throw new UnsupportedLocaleError(`"${locale}" is not a locale like en-US or de-DE`);
  const lang = m[1].toLowerCase();
  const region = (m[2] ?? '').toUpperCase();
  if (lang === 'en') {
    const dayFirst = region !== '' && region !== 'US' && region !== 'CA' && region !== 'PH';
    return { id: locale, style: STYLE_DOT_DECIMAL, dateOrder: dayFirst ? 'dmy' : 'mdy' };
  }
  // Swiss German/Italian write 1'234.56 (the apostrophe groups in every style).
  if ((lang === 'de' || lang === 'it') && (region === 'CH' || region === 'LI')) {
    return { id: locale, style: STYLE_DOT_DECIMAL, dateOrder: 'dmy' };
  }
  if (COMMA_DECIMAL_LANGS.has(lang)) return { id: locale, style: STYLE_COMMA_DECIMAL, dateOrder: 'dmy' };
  throw new UnsupportedLocaleError(
    `The locale "${locale}" is not supported yet; use en-US, en-GB, de-DE (or another comma-decimal locale) or auto`,
  );
}

/** Decides the file's locale from all columns' statistics. */
function detectLocale(columns: ColumnStats[]): LocaleRule {
  let dotVotes = 0;
  let commaVotes = 0;
  let dayFirstVotes = 0;
  let monthFirstVotes = 0;
  for (const c of columns) {
    if (c.possible === P_NUMBER) {
      if (c.dot.ok) dotVotes += c.dot.evidence;
      if (c.comma.ok) commaVotes += c.comma.evidence;
    } else if (c.possible === P_DATE && (c.dateShape & 7) === F_ABY) {
      const sep = (c.dateShape >> 3) & 3;
      if (sep === 3) commaVotes += c.nonEmpty; // 31.12.2024
      if (c.okDmy && !c.okMdy) dayFirstVotes += c.nonEmpty;
      if (c.okMdy && !c.okDmy) monthFirstVotes += c.nonEmpty;
    }
  }
  if (commaVotes > dotVotes) return { id: 'de-DE', style: STYLE_COMMA_DECIMAL, dateOrder: 'dmy' };
  if (dayFirstVotes > monthFirstVotes) return { id: 'en-GB', style: STYLE_DOT_DECIMAL, dateOrder: 'dmy' };
  return { id: 'en-US', style: STYLE_DOT_DECIMAL, dateOrder: 'mdy' };
}

export function resolveLocale(option: string | undefined, columns: ColumnStats[]): LocaleRule {
  if (!option || option === 'auto') return detectLocale(columns);
  return localeRule(option);
}
