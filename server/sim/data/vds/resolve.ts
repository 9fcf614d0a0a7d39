/**
 * Resolves query fields against a dataset: physical columns, published calculations, ad-hoc
 * calculations, date functions, aggregations and parameters (with their query overrides).
 */
import type { Dataset, DatasetParameter, DataType, Value } from '../datasets/types.js';
import { type AggFn, isAggFn } from './aggregate.js';
import { type CalcContext, compileCalc, type CompiledCalc } from './calc.js';
import type { DatePartFn, TruncFn } from './dates.js';
import { VdsError } from './errors.js';
import { columnExpr, dateFunctionExpr, type RowExpr, typeOf, type ValueType } from './expr.js';
import type { QFilterField, QParameter } from './query-types.js';

const DATE_FNS = ['YEAR', 'QUARTER', 'MONTH', 'WEEK', 'DAY', 'TRUNC_YEAR', 'TRUNC_QUARTER', 'TRUNC_MONTH', 'TRUNC_WEEK', 'TRUNC_DAY'];

/** What a field or filter field means: a row-level value, or an aggregate computed per group. */
export type Resolved =
  | { level: 'row'; expr: RowExpr }
  | { level: 'agg'; fn: AggFn; arg: RowExpr }
  | { level: 'calc'; calc: Extract<CompiledCalc, { kind: 'agg' }> };

export class Resolver {
  readonly ctx: CalcContext;
  private readonly params = new Map<string, { def: DatasetParameter; value: Value }>();

  constructor(
    readonly dataset: Dataset,
    overrides: QParameter[] = [],
    private readonly captionsAreNames = false,
  ) {
    for (const def of dataset.parameters) this.params.set(def.caption, { def, value: def.value });
    for (const o of overrides) this.setParameter(o.parameterCaption, o.value);
    this.ctx = {
      field: (name) => this.lookup(name),
      parameter: (name) => {
        const p = this.params.get(name);
        return p && { value: p.value, type: typeOf(p.def.dataType) };
      },
    };
  }

  private setParameter(caption: string, value: unknown): void {
    const p = this.params.get(caption);
    if (!p) throw new VdsError('400803', `Unknown Parameter: ${caption}.`);
    const { def } = p;
    const bad = (why: string): never => {
      throw new VdsError('400803', `Invalid value ${JSON.stringify(value)} for parameter ${caption}: ${why}.`);
    };
    if (def.dataType === 'STRING') {
      if (typeof value !== 'string') bad('expected text');
    } else if (typeof value !== 'number' || !Number.isFinite(value)) bad('expected a number');
    else if (def.dataType === 'INTEGER' && !Number.isInteger(value)) bad('expected a whole number');
    if (def.parameterType === 'LIST' && !def.members!.includes(value as string | number))
      bad(`allowed values are ${def.members!.join(', ')}`);
    if (
      def.parameterType === 'QUANTITATIVE_RANGE' &&
      ((def.min !== undefined && (value as number) < def.min) || (def.max !== undefined && (value as number) > def.max))
    ) {
      bad(`allowed range is ${def.min} to ${def.max}`);
    }
    p.value = value as Value;
  }

  private lookup(name: string): RowExpr | { formula: string } | undefined {
    const col = this.dataset.columns.find((c) => (this.captionsAreNames ? c.fieldName : c.caption) === name);
    if (col) return columnExpr(col);
    const calc = this.dataset.calcs.find((c) => (this.captionsAreNames ? c.fieldName : c.caption) === name);
    return calc && { formula: calc.formula };
  }

  /** A field by caption (+ optional function), or an ad-hoc calculation. */
  resolve(f: QFilterField): Resolved {
    if (f.calculation !== undefined) return this.fromCalc(compileCalc(f.calculation, this.ctx));
    const caption = f.fieldCaption ?? '';
    const found = this.lookup(caption);
    if (!found) throw new VdsError('400803', `Unknown Field: ${caption}.`);
    const fn = f.function;
    if ('formula' in found) {
      const compiled = compileCalc(found.formula, this.ctx);
      if (compiled.kind === 'agg') {
        if (fn && fn !== 'AGG' && fn !== 'UNSPECIFIED')
          throw new VdsError('400803', `${fn} can't be applied to ${caption}, which is already an aggregate.`);
        return { level: 'calc', calc: compiled };
      }
      return this.applyFunction(caption, compiled.expr, fn);
    }
    return this.applyFunction(caption, found, fn);
  }

  private fromCalc(compiled: CompiledCalc): Resolved {
    return compiled.kind === 'agg' ? { level: 'calc', calc: compiled } : { level: 'row', expr: compiled.expr };
  }

  private applyFunction(caption: string, expr: RowExpr, fn: string | undefined): Resolved {
    if (!fn || fn === 'NONE' || fn === 'UNSPECIFIED') return { level: 'row', expr };
    if (DATE_FNS.includes(fn)) {
      if (expr.type !== 'date' && expr.type !== 'datetime')
        throw new VdsError('400803', `${fn} can't be applied to ${caption}, a ${expr.dataType} field.`);
      return { level: 'row', expr: dateFunctionExpr(fn as DatePartFn | TruncFn, expr) };
    }
    if (isAggFn(fn)) return { level: 'agg', fn, arg: expr };
    throw new VdsError('400803', `The function ${fn} is not supported for ${caption}.`);
  }
}

/** The value type of a resolved field: its own for row-level values, the aggregate's otherwise. */
export function resolvedType(r: Resolved): { type: ValueType; dataType: DataType } {
  if (r.level === 'row') return r.expr;
  if (r.level === 'calc') return r.calc;
  const { fn, arg } = r;
  if (fn === 'MIN' || fn === 'MAX' || fn === 'ATTR') return arg;
  if (fn === 'COUNT' || fn === 'COUNTD' || (fn === 'SUM' && arg.dataType === 'INTEGER')) return { type: 'number', dataType: 'INTEGER' };
  return { type: 'number', dataType: 'REAL' };
}
