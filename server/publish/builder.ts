/**
 * Collects a plan row by row: each row's action, plain message and calls, and the steps the apply
 * runs. `finish` adds the counts and the plan id (a hash of every row's action and calls, so an
 * apply can tell whether the site moved since the dry run the user confirmed).
 */
import { createHash } from 'node:crypto';

import type { PlanAction, PlanCounts, PlannedRow, PublishKind, PublishPlan, RowProblem } from '../../common/publish.js';
import type { Step } from './steps.js';

export interface Planned {
  plan: PublishPlan;
  steps: Step[];
}

export class PlanBuilder {
  private readonly rows: PlannedRow[] = [];
  private readonly steps: Step[] = [];

  error(index: number, problem: RowProblem): void {
    this.rows.push({ index, action: 'error', message: problem.message, calls: [], problem });
  }

  unchanged(index: number, message: string): void {
    this.rows.push({ index, action: 'unchanged', message, calls: [] });
  }

  act(
    index: number,
    action: Exclude<PlanAction, 'error' | 'unchanged'>,
    message: string,
    steps: Array<Omit<Step, 'row'>>,
    dependsOn?: number,
  ): void {
    const own = steps.map((s) => ({ ...s, row: index }));
    this.steps.push(...own);
    this.rows.push({ index, action, message, calls: own.map((s) => s.call), ...(dependsOn === undefined ? {} : { dependsOn }) });
  }

  finish(kind: PublishKind, plannedAt: Date): Planned {
    const rows = [...this.rows].sort((a, b) => a.index - b.index);
    const counts: PlanCounts = { create: 0, update: 0, unchanged: 0, remove: 0, error: 0 };
    for (const r of rows) counts[r.action]++;
    const planId = createHash('sha256')
      .update(JSON.stringify([kind, rows.map((r) => [r.index, r.action, r.calls, r.dependsOn ?? null])]))
      .digest('base64url')
      .slice(0, 32);
    return {
      plan: {
        planId,
        kind,
        rows,
        counts,
        callCount: this.steps.length,
        needsRemovalConfirmation: counts.remove > 0,
        plannedAt: plannedAt.toISOString(),
      },
      steps: this.steps,
    };
  }
}
