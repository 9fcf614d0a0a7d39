/**
 * Compiles a parsed calculation into closures. A calculation containing an aggregate (SUM([Profit])
 * / SUM([Sales])) is evaluated per group over aggregated values; otherwise it is row-level and behaves
 * like a column. Mixing both outside an aggregate is an error, as in Tableau ("Cannot mix aggregate
 * and non-aggregate arguments"). Null propagates through arithmetic; division by zero gives null.
 */
import { type DataType, MS_PER_DAY, parseIsoDay, type Value } from '../datasets/types.js';
import { type AggFn, type Aggregated, isAggFn } from './aggregate.js';
import { type Ast, parseCalc } from './calc-parse.js';
import type { DatePartFn } from './dates.js';
import { VdsError } from './errors.js';
import { dateFunctionExpr, type RowExpr, type ValueType } from './expr.js';

export interface CalcContext {
  /** A field's row expression, or a published calculation's formula; undefined = unknown. */
  field(name: string): RowExpr | { formula: string } | undefined;
  parameter(name: string): { value: Value; type: ValueType } | undefined;
}

export type CompiledCalc =
  | { kind: 'row'; expr: RowExpr }
  | {
      kind: 'agg';
      type: ValueType;
      dataType: DataType;
      aggs: Array<{ fn: AggFn; arg: RowExpr }>;
      bind(results: Aggregated[]): (g: number) => Value;
    };

interface C {
  type: ValueType;
  f: (x: number) => Value;
}

const DATA_TYPE: Record<ValueType, DataType> = { number: 'REAL', string: 'STRING', boolean: 'BOOLEAN', date: 'DATE', datetime: 'DATETIME' };

function hasAggregate(ast: Ast, ctx: CalcContext, seen: Set<string>): boolean {
  switch (ast.k) {
    case 'call':
      return isAggFn(ast.name) || ast.args.some((a) => hasAggregate(a, ctx, seen));
    case 'unary':
      return hasAggregate(ast.e, ctx, seen);
    case 'bin':
      return hasAggregate(ast.a, ctx, seen) || hasAggregate(ast.b, ctx, seen);
    case 'if':
      return (
        ast.branches.some(([c, v]) => hasAggregate(c, ctx, seen) || hasAggregate(v, ctx, seen)) ||
        (!!ast.otherwise && hasAggregate(ast.otherwise, ctx, seen))
      );
    case 'field': {
      const f = ctx.field(ast.name);
      if (!f || !('formula' in f) || seen.has(ast.name)) return false;
      return hasAggregate(parseCalc(f.formula), ctx, new Set([...seen, ast.name]));
    }
    default:
      return false;
  }
}

export function compileCalc(formula: string, ctx: CalcContext): CompiledCalc {
  const ast = parseCalc(formula);
  const bad = (why: string): never => {
    throw new VdsError('400800', `Invalid calculation "${formula}": ${why}.`);
  };
  const aggs: Array<{ fn: AggFn; arg: RowExpr }> = [];
  const holder: { results: Aggregated[] } = { results: [] };

  const toDayOrMs = (target: ValueType, c: C): C => {
    if (c.type === 'string')
      return {
        type: target,
        f: (x) => {
          const v = c.f(x);
          if (v === null) return null;
          const d = parseIsoDay(String(v));
          return d === undefined ? null : target === 'datetime' ? d * MS_PER_DAY : d;
        },
      };
    if (c.type === 'date' && target === 'datetime')
      return {
        type: target,
        f: (x) => {
          const v = c.f(x) as number | null;
          return v === null ? null : v * MS_PER_DAY;
        },
      };
    return c;
  };

  const compile = (node: Ast, mode: 'row' | 'group', stack: string[]): C => {
    switch (node.k) {
      case 'num':
        return { type: 'number', f: () => node.v };
      case 'str':
        return { type: 'string', f: () => node.v };
      case 'bool':
        return { type: 'boolean', f: () => node.v };
      case 'null':
        return { type: 'number', f: () => null };
      case 'date': {
        const d = parseIsoDay(node.v.slice(0, 10));
        if (d === undefined) bad(`#${node.v}# is not a date`);
        return { type: 'date', f: () => d! };
      }
      case 'param': {
        const p = ctx.parameter(node.name);
        if (!p) throw new VdsError('400803', `Unknown Parameter: ${node.name}.`);
        return { type: p.type, f: () => p.value };
      }
      case 'field': {
        const p = ctx.field(node.name);
        if (!p) {
          const param = ctx.parameter(node.name);
          if (param) return { type: param.type, f: () => param.value };
          throw new VdsError('400803', `Unknown Field: ${node.name}.`);
        }
        if ('formula' in p) {
          if (stack.includes(node.name)) bad(`[${node.name}] refers to itself`);
          return compile(parseCalc(p.formula), mode, [...stack, node.name]);
        }
        if (mode === 'group') bad(`cannot mix aggregate and non-aggregate arguments ([${node.name}] is not aggregated)`);
        return { type: p.type, f: p.at };
      }
      case 'unary': {
        const e = compile(node.e, mode, stack);
        if (node.op === 'NOT')
          return {
            type: 'boolean',
            f: (x) => {
              const v = e.f(x);
              return v === null ? null : !v;
            },
          };
        return {
          type: 'number',
          f: (x) => {
            const v = e.f(x);
            return v === null ? null : -(v as number);
          },
        };
      }
      case 'bin':
        return binary(node.op, compile(node.a, mode, stack), compile(node.b, mode, stack));
      case 'if': {
        const branches = node.branches.map(([c, v]) => [compile(c, mode, stack), compile(v, mode, stack)] as const);
        const other = node.otherwise ? compile(node.otherwise, mode, stack) : null;
        return {
          type: branches[0][1].type,
          f: (x) => {
            for (const [c, v] of branches) if (c.f(x) === true) return v.f(x);
            return other ? other.f(x) : null;
          },
        };
      }
      case 'call':
        return call(node.name, node.args, mode, stack);
    }
  };

  const binary = (op: string, a: C, b: C): C => {
    if (op === 'AND')
      return {
        type: 'boolean',
        f: (x) => {
          const l = a.f(x);
          if (l === false) return false;
          const r = b.f(x);
          return r === false ? false : l === null || r === null ? null : true;
        },
      };
    if (op === 'OR')
      return {
        type: 'boolean',
        f: (x) => {
          const l = a.f(x);
          if (l === true) return true;
          const r = b.f(x);
          return r === true ? true : l === null || r === null ? null : false;
        },
      };
    if (['=', '<>', '<', '<=', '>', '>='].includes(op)) {
      const target = a.type === 'datetime' || b.type === 'datetime' ? 'datetime' : a.type === 'date' || b.type === 'date' ? 'date' : null;
      const [l, r] = target ? [toDayOrMs(target, a), toDayOrMs(target, b)] : [a, b];
      return {
        type: 'boolean',
        f: (x) => {
          const u = l.f(x);
          const v = r.f(x);
          if (u === null || v === null) return null;
          switch (op) {
            case '=':
              return u === v;
            case '<>':
              return u !== v;
            case '<':
              return u < v;
            case '<=':
              return u <= v;
            case '>':
              return u > v;
            default:
              return u >= v;
          }
        },
      };
    }
    if (op === '+' && (a.type === 'string' || b.type === 'string')) {
      return {
        type: 'string',
        f: (x) => {
          const u = a.f(x);
          const v = b.f(x);
          return u === null || v === null ? null : `${String(u)}${String(v)}`;
        },
      };
    }
    return {
      type: 'number',
      f: (x) => {
        const u = a.f(x) as number | null;
        const v = b.f(x) as number | null;
        if (u === null || v === null) return null;
        switch (op) {
          case '+':
            return u + v;
          case '-':
            return u - v;
          case '*':
            return u * v;
          case '/':
            return v === 0 ? null : u / v;
          default:
            return v === 0 ? null : u % v;
        }
      },
    };
  };

  const call = (name: string, args: Ast[], mode: 'row' | 'group', stack: string[]): C => {
    if (isAggFn(name)) {
      if (mode === 'row') bad(`${name} is an aggregate and can't be used here`);
      if (args.length !== 1) bad(`${name} takes one argument`);
      const inner = compile(args[0], 'row', stack);
      const k = aggs.length;
      aggs.push({ fn: name, arg: { type: inner.type, dataType: DATA_TYPE[inner.type], at: inner.f } });
      const type: ValueType = ['COUNT', 'COUNTD', 'SUM', 'AVG', 'MEDIAN', 'STDEV', 'VAR'].includes(name) ? 'number' : inner.type;
      return { type, f: (g) => holder.results[k].get(g) };
    }
    const a = args.map((x) => compile(x, mode, stack));
    const need = (n: number, m = n) => {
      if (a.length < n || a.length > m) bad(`${name} takes ${n === m ? n : `${n} to ${m}`} argument(s)`);
    };
    const num = (fn: (...v: number[]) => number | null): C => ({
      type: 'number',
      f: (x) => {
        const v = a.map((e) => e.f(x));
        return v.some((y) => y === null) ? null : fn(...(v as number[]));
      },
    });
    const str = (type: ValueType, fn: (s: string, ...rest: Value[]) => Value): C => ({
      type,
      f: (x) => {
        const s = a[0].f(x);
        return s === null ? null : fn(String(s), ...a.slice(1).map((e) => e.f(x)));
      },
    });
    switch (name) {
      case 'ABS':
        need(1);
        return num(Math.abs);
      case 'ROUND':
        need(1, 2);
        return num((v, d = 0) => Math.round(v * 10 ** d) / 10 ** d);
      case 'CEILING':
        need(1);
        return num(Math.ceil);
      case 'FLOOR':
        need(1);
        return num(Math.floor);
      case 'SQRT':
        need(1);
        return num((v) => (v < 0 ? null : Math.sqrt(v)));
      case 'POWER':
        need(2);
        return num((v, p) => v ** p);
      case 'INT':
        need(1);
        return num(Math.trunc);
      case 'FLOAT':
        need(1);
        return {
          type: 'number',
          f: (x) => {
            const v = a[0].f(x);
            const n = Number(v);
            return v === null || Number.isNaN(n) ? null : n;
          },
        };
      case 'ZN':
        need(1);
        return { type: 'number', f: (x) => a[0].f(x) ?? 0 };
      case 'IFNULL':
        need(2);
        return { type: a[0].type, f: (x) => a[0].f(x) ?? a[1].f(x) };
      case 'ISNULL':
        need(1);
        return { type: 'boolean', f: (x) => a[0].f(x) === null };
      case 'IIF':
        need(3, 4);
        return {
          type: a[1].type,
          f: (x) => {
            const c = a[0].f(x);
            return c === true ? a[1].f(x) : c === false ? a[2].f(x) : a[3] ? a[3].f(x) : null;
          },
        };
      case 'STR':
        need(1);
        return {
          type: 'string',
          f: (x) => {
            const v = a[0].f(x);
            return v === null ? null : String(v);
          },
        };
      case 'UPPER':
        need(1);
        return str('string', (s) => s.toUpperCase());
      case 'LOWER':
        need(1);
        return str('string', (s) => s.toLowerCase());
      case 'TRIM':
        need(1);
        return str('string', (s) => s.trim());
      case 'LEN':
        need(1);
        return str('number', (s) => s.length);
      case 'LEFT':
        need(2);
        return str('string', (s, n) => s.slice(0, Number(n)));
      case 'RIGHT':
        need(2);
        return str('string', (s, n) => (Number(n) > 0 ? s.slice(-Number(n)) : ''));
      case 'CONTAINS':
        need(2);
        return str('boolean', (s, t) => s.includes(String(t)));
      case 'STARTSWITH':
        need(2);
        return str('boolean', (s, t) => s.startsWith(String(t)));
      case 'ENDSWITH':
        need(2);
        return str('boolean', (s, t) => s.endsWith(String(t)));
      case 'YEAR':
      case 'QUARTER':
      case 'MONTH':
      case 'WEEK':
      case 'DAY': {
        need(1);
        if (a[0].type !== 'date' && a[0].type !== 'datetime') bad(`${name} needs a date`);
        const e = dateFunctionExpr(name as DatePartFn, { type: a[0].type, dataType: DATA_TYPE[a[0].type], at: a[0].f });
        return { type: 'number', f: e.at };
      }
      default:
        return bad(`the function ${name} is not supported`);
    }
  };

  if (hasAggregate(ast, ctx, new Set())) {
    const root = compile(ast, 'group', []);
    return {
      kind: 'agg',
      type: root.type,
      dataType: DATA_TYPE[root.type],
      aggs,
      bind: (results) => {
        holder.results = results;
        return root.f;
      },
    };
  }
  const root = compile(ast, 'row', []);
  return { kind: 'row', expr: { type: root.type, dataType: DATA_TYPE[root.type], at: root.f } };
}

/** Functions the calculation language supports (list-supported-functions). */
export const SUPPORTED_CALC_FUNCTIONS: Array<{ name: string; overloads: Array<{ arg_types: string[]; return_type: string }> }> = [
  ...['SUM', 'AVG', 'MEDIAN', 'STDEV', 'VAR'].map((name) => ({
    name,
    overloads: [
      { arg_types: ['REAL'], return_type: 'REAL' },
      { arg_types: ['INT'], return_type: name === 'SUM' ? 'INT' : 'REAL' },
    ],
  })),
  ...['COUNT', 'COUNTD'].map((name) => ({ name, overloads: [{ arg_types: ['ANY'], return_type: 'INT' }] })),
  ...['MIN', 'MAX', 'ATTR'].map((name) => ({ name, overloads: [{ arg_types: ['ANY'], return_type: 'ANY' }] })),
  ...['ABS', 'CEILING', 'FLOOR', 'SQRT', 'ZN', 'FLOAT'].map((name) => ({
    name,
    overloads: [{ arg_types: ['REAL'], return_type: 'REAL' }],
  })),
  {
    name: 'ROUND',
    overloads: [
      { arg_types: ['REAL'], return_type: 'REAL' },
      { arg_types: ['REAL', 'INT'], return_type: 'REAL' },
    ],
  },
  { name: 'POWER', overloads: [{ arg_types: ['REAL', 'REAL'], return_type: 'REAL' }] },
  { name: 'INT', overloads: [{ arg_types: ['REAL'], return_type: 'INT' }] },
  { name: 'IFNULL', overloads: [{ arg_types: ['ANY', 'ANY'], return_type: 'ANY' }] },
  { name: 'ISNULL', overloads: [{ arg_types: ['ANY'], return_type: 'BOOL' }] },
  {
    name: 'IIF',
    overloads: [
      { arg_types: ['BOOL', 'ANY', 'ANY'], return_type: 'ANY' },
      { arg_types: ['BOOL', 'ANY', 'ANY', 'ANY'], return_type: 'ANY' },
    ],
  },
  ...['UPPER', 'LOWER', 'TRIM', 'STR'].map((name) => ({
    name,
    overloads: [{ arg_types: [name === 'STR' ? 'ANY' : 'STR'], return_type: 'STR' }],
  })),
  { name: 'LEN', overloads: [{ arg_types: ['STR'], return_type: 'INT' }] },
  ...['LEFT', 'RIGHT'].map((name) => ({ name, overloads: [{ arg_types: ['STR', 'INT'], return_type: 'STR' }] })),
  ...['CONTAINS', 'STARTSWITH', 'ENDSWITH'].map((name) => ({ name, overloads: [{ arg_types: ['STR', 'STR'], return_type: 'BOOL' }] })),
  ...['YEAR', 'QUARTER', 'MONTH', 'WEEK', 'DAY'].map((name) => ({
    name,
    overloads: [
      { arg_types: ['DATE'], return_type: 'INT' },
      { arg_types: ['DATETIME'], return_type: 'INT' },
    ],
  })),
];
