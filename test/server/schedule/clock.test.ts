/** The real scheduler clock: Node timers (short real waits; fake timers only for a wait of weeks). */
import { systemClock } from '../../../server/schedule/clock.js';

const waitFor = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('systemClock', () => {
  it('fires a timer once at its time', async () => {
    const fired: number[] = [];
    const at = new Date(Date.now() + 150);
    systemClock.setTimer(at, () => fired.push(Date.now()));
    await waitFor(600);
    expect(fired).toHaveLength(1);
    expect(fired[0]).toBeGreaterThanOrEqual(at.getTime() - 5);
  });

  it('fires a timer whose time has passed at once ', async () => {
    let fired = 0;
    systemClock.setTimer(new Date(Date.now() - 60_000), () => fired++);
    expect(fired).toBe(0); // asynchronously, never inside setTimer
    await waitFor(20);
    expect(fired).toBe(1);
  });

  it('a cancelled timer never fires', async () => {
    let fired = 0;
    systemClock.setTimer(new Date(Date.now() + 100), () => fired++).cancel();
    systemClock.setTimer(new Date(Date.now() - 100), () => fired++).cancel();
    await waitFor(400);
    expect(fired).toBe(0);
  });

  it('a timer further ahead than setTimeout can wait (24.8 days) fires at its time, not at once', () => {
    vi.useFakeTimers();
    try {
      const day = 24 * 3600_000;
      let fired = 0;
      systemClock.setTimer(new Date(Date.now() + 40 * day), () => fired++);
      vi.advanceTimersByTime(39 * day);
      expect(fired).toBe(0);
      vi.advanceTimersByTime(day);
      expect(fired).toBe(1);
    } finally {
      vi.useRealTimers();
    }
  });
});
