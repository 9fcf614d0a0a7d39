/**
 * Parser for the subset of Tableau's calculation language the simulator evaluates:
 *   [Field] and [Parameters].[Name] references, numbers, 'strings', "strings", #2024-01-31# dates,
 *   TRUE/FALSE/NULL, + - * / %, = == <> != < <= > >=, AND OR NOT, function calls (SUM([Sales]),
 *   IIF(c, a, b), ROUND(x, 2) …) and IF c THEN a [ELSEIF c THEN b] [ELSE d] END.
 * Keywords and function names are case-insensitive, as in Tableau.
 */
import { VdsError } from './errors.js';

export type Ast =
  | { k: 'num'; v: number }
  | { k: 'str'; v: string }
  | { k: 'bool'; v: boolean }
  | { k: 'null' }
  | { k: 'date'; v: string }
  | { k: 'field'; name: string }
  | { k: 'param'; name: string }
  | { k: 'unary'; op: '-' | 'NOT'; e: Ast }
  | { k: 'bin'; op: string; a: Ast; b: Ast }
  | { k: 'call'; name: string; args: Ast[] }
  | { k: 'if'; branches: Array<[Ast, Ast]>; otherwise: Ast | null };

type Tok = { t: 'num' | 'str' | 'ref' | 'date' | 'id' | 'op' | 'eof'; v: string; at: number };

function fail(formula: string, why: string): never {
  throw new VdsError('400800', `Invalid calculation "${formula}": ${why}.`);
}

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '/' && src[i + 1] === '/') {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    const start = i;
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(src[i + 1] ?? ''))) {
      const m = /^(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?/.exec(src.slice(i));
      if (!m) fail(src, `unexpected "${c}"`);
      out.push({ t: 'num', v: m[0], at: start });
      i += m[0].length;
    } else if (c === '[') {
      const end = src.indexOf(']', i);
      if (end < 0) fail(src, 'a [field] reference is not closed');
      out.push({ t: 'ref', v: src.slice(i + 1, end), at: start });
      i = end + 1;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      let text = '';
      for (;;) {
        if (j >= src.length) fail(src, 'a string is not closed');
        if (src[j] === c && src[j + 1] === c) {
          text += c;
          j += 2;
          continue;
        }
        if (src[j] === c) break;
        text += src[j++];
      }
      out.push({ t: 'str', v: text, at: start });
      i = j + 1;
    } else if (c === '#') {
      const end = src.indexOf('#', i + 1);
      if (end < 0) fail(src, 'a #date# literal is not closed');
      out.push({ t: 'date', v: src.slice(i + 1, end).trim(), at: start });
      i = end + 1;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i))!;
      out.push({ t: 'id', v: m[0].toUpperCase(), at: start });
      i += m[0].length;
    } else {
      const two = src.slice(i, i + 2);
      const op = ['<=', '>=', '<>', '!=', '=='].includes(two) ? two : c;
      if (!'+-*/%=<>(),.'.includes(op[0])) fail(src, `unexpected "${c}"`);
      out.push({ t: 'op', v: op, at: start });
      i += op.length;
    }
  }
  out.push({ t: 'eof', v: '', at: src.length });
  return out;
}

const BINARY: Record<string, number> = {
  OR: 1,
  AND: 2,
  '=': 3,
  '==': 3,
  '<>': 3,
  '!=': 3,
  '<': 3,
  '<=': 3,
  '>': 3,
  '>=': 3,
  '+': 4,
  '-': 4,
  '*': 5,
  '/': 5,
  '%': 5,
};

export function parseCalc(formula: string): Ast {
  const toks = tokenize(formula);
  let p = 0;
  const peek = () => toks[p];
  const isOp = (v: string) => (peek().t === 'op' || peek().t === 'id') && peek().v === v;
  const expect = (v: string) => {
    if (!isOp(v)) fail(formula, `expected "${v}" at position ${peek().at + 1}`);
    p++;
  };

  const primary = (): Ast => {
    const tok = toks[p++];
    switch (tok.t) {
      case 'num':
        return { k: 'num', v: Number(tok.v) };
      case 'str':
        return { k: 'str', v: tok.v };
      case 'date':
        return { k: 'date', v: tok.v };
      case 'ref':
        return { k: 'field', name: tok.v };
      case 'op':
        if (tok.v === '(') {
          const e = expr(0);
          expect(')');
          return e;
        }
        if (tok.v === '-') return { k: 'unary', op: '-', e: expr(6) };
        break;
      case 'id': {
        if (tok.v === 'TRUE' || tok.v === 'FALSE') return { k: 'bool', v: tok.v === 'TRUE' };
        if (tok.v === 'NULL') return { k: 'null' };
        if (tok.v === 'NOT') return { k: 'unary', op: 'NOT', e: expr(3) };
        if (tok.v === 'IF') return ifExpr();
        if (isOp('(')) {
          p++;
          const args: Ast[] = [];
          if (!isOp(')')) {
            do {
              args.push(expr(0));
            } while (isOp(',') && ++p);
          }
          expect(')');
          return { k: 'call', name: tok.v, args };
        }
        break;
      }
      default:
        break;
    }
    fail(formula, tok.t === 'eof' ? 'it ends too early' : `unexpected "${tok.v}" at position ${tok.at + 1}`);
  };

  const ifExpr = (): Ast => {
    const branches: Array<[Ast, Ast]> = [];
    let otherwise: Ast | null = null;
    const cond = expr(0);
    expect('THEN');
    branches.push([cond, expr(0)]);
    for (;;) {
      if (isOp('ELSEIF')) {
        p++;
        const c = expr(0);
        expect('THEN');
        branches.push([c, expr(0)]);
        continue;
      }
      if (isOp('ELSE')) {
        p++;
        otherwise = expr(0);
      }
      expect('END');
      return { k: 'if', branches, otherwise };
    }
  };

  const expr = (minPrec: number): Ast => {
    let left = primary();
    for (;;) {
      const tok = peek();
      const prec = tok.t === 'op' || tok.t === 'id' ? BINARY[tok.v] : undefined;
      if (prec === undefined || prec < minPrec) break;
      p++;
      left = { k: 'bin', op: tok.v === '==' ? '=' : tok.v === '!=' ? '<>' : tok.v, a: left, b: expr(prec + 1) };
    }
    return left;
  };

  // [Parameters].[Name] is written with a dot between two references: rewrite before parsing.
  const merged: Tok[] = [];
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i];
    if (t.t === 'ref' && t.v.toLowerCase() === 'parameters' && toks[i + 1]?.v === '.' && toks[i + 2]?.t === 'ref') {
      merged.push({ t: 'ref', v: `\u0000${toks[i + 2].v}`, at: t.at });
      i += 2;
    } else merged.push(t);
  }
  toks.splice(0, toks.length, ...merged);
  const ast = expr(0);
  if (peek().t !== 'eof') fail(formula, `unexpected "${peek().v}" at position ${peek().at + 1}`);
  return markParams(ast);
}

function markParams(ast: Ast): Ast {
  switch (ast.k) {
    case 'field':
      return ast.name.startsWith('\u0000') ? { k: 'param', name: ast.name.slice(1) } : ast;
    case 'unary':
      return { ...ast, e: markParams(ast.e) };
    case 'bin':
      return { ...ast, a: markParams(ast.a), b: markParams(ast.b) };
    case 'call':
      return { ...ast, args: ast.args.map(markParams) };
    case 'if':
      return {
        k: 'if',
        branches: ast.branches.map(([c, v]) => [markParams(c), markParams(v)]),
        otherwise: ast.otherwise && markParams(ast.otherwise),
      };
    default:
      return ast;
  }
}
