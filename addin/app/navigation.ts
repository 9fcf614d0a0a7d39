import type { DatasourceItem, ViewItem } from '../../common/api.js';
import type { PullSource } from '../../common/source.js';
import type { QueryDraft } from '../ui/query/queryDraft.js';

/**
 * Where the analyst is. Each top tab keeps its own stack of screens, so switching to Tables and
 * back returns to the same half-built query. Pure reducer (tested without React).
 */
export type Tab = 'connect' | 'browse' | 'inventory' | 'tables';

export type Route =
  | { name: 'home' }
  | { name: 'view'; view: ViewItem }
  /** `initial` and `notes`: a query prepared for the analyst (the rows behind a view), with what to know about it. */
  | { name: 'query'; datasource: Pick<DatasourceItem, 'id' | 'name'>; initial?: QueryDraft; notes?: string[] }
  | { name: 'preview'; source: PullSource; title: string }
  /** Tables tab: publish an Excel table to Tableau (users, groups, projects…; issue #22). */
  | { name: 'publish' };

interface NavState {
  tab: Tab;
  stacks: Record<Tab, Route[]>;
}

type NavAction =
  { type: 'tab'; tab: Tab } | { type: 'push'; route: Route } | { type: 'replace'; route: Route } | { type: 'back' } | { type: 'reset' };

const home = (): Route[] => [{ name: 'home' }];

export function initialNav(tab: Tab = 'connect'): NavState {
  return { tab, stacks: { connect: home(), browse: home(), inventory: home(), tables: home() } };
}

export function navReducer(state: NavState, action: NavAction): NavState {
  const stack = state.stacks[state.tab];
  const withStack = (next: Route[]): NavState => ({ ...state, stacks: { ...state.stacks, [state.tab]: next } });
  switch (action.type) {
    case 'tab':
      return { ...state, tab: action.tab };
    case 'push':
      return withStack([...stack, action.route]);
    case 'replace':
      return withStack([...stack.slice(0, -1), action.route]);
    case 'back':
      return stack.length > 1 ? withStack(stack.slice(0, -1)) : state;
    case 'reset':
      // A different connection: every screen built for the old one is stale.
      return initialNav(state.tab);
  }
}

export function currentRoute(state: NavState): Route {
  const stack = state.stacks[state.tab];
  return stack[stack.length - 1];
}
