import type { SchedulerClock, Timer } from '../../../server/schedule/clock.js';

interface Pending {
  at: number;
  fire: () => void;
  cancelled: boolean;
}

/** A scheduler clock tests move by hand; timers fire in time order, each at its own instant. */
export class ManualSchedulerClock implements SchedulerClock {
  private timers: Pending[] = [];

  constructor(private t: number) {}

  now(): Date {
    return new Date(this.t);
  }

  setTimer(at: Date, fire: () => void): Timer {
    const pending: Pending = { at: at.getTime(), fire, cancelled: false };
    this.timers.push(pending);
    return { cancel: () => void (pending.cancelled = true) };
  }

  /** Armed (not cancelled, not fired) timer times, earliest first. */
  armed(): Date[] {
    return this.timers
      .filter((p) => !p.cancelled)
      .map((p) => new Date(p.at))
      .sort((a, b) => a.getTime() - b.getTime());
  }

  /** Moves time to `to`, firing every timer due on the way. Moving without timers = downtime. */
  advanceTo(to: Date | string, { fire = true } = {}): void {
    const target = new Date(to).getTime();
    for (;;) {
      this.timers = this.timers.filter((p) => !p.cancelled);
      const due = fire ? this.timers.filter((p) => p.at <= target).sort((a, b) => a.at - b.at)[0] : undefined;
      if (!due) break;
      this.timers.splice(this.timers.indexOf(due), 1);
      this.t = Math.max(this.t, due.at);
      due.fire();
    }
    this.t = Math.max(this.t, target);
  }

  advance(ms: number): void {
    this.advanceTo(new Date(this.t + ms));
  }
}
