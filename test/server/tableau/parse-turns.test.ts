import { describe, expect, it } from 'vitest';

import { ParseTurns, parseWaitMs } from '../../../server/tableau/parse-turns.js';

describe('parseWaitMs: a page waits for the answers that are due', () => {
  it('parses at once before any round trip is known, or when no page is left to ask for', () => {
    expect(parseWaitMs([0, 1], Infinity, 100, true)).toBe(0);
    expect(parseWaitMs([0, 1], 50, 50, false)).toBe(0);
  });

  it('waits for a request in flight about as long as the quickest round trip, up to 1.25 × it', () => {
    // Sent at 1 and 2, quickest round trip 50 ms: both due at 51; the later one gives up at 2 + 62.5.
    expect(parseWaitMs([1, 2], 50, 51, true)).toBeCloseTo(13.5);
    expect(parseWaitMs([1, 2], 50, 60, true)).toBeCloseTo(4.5);
  });

  it('does not wait for a request sent a round later, nor for one long overdue', () => {
    expect(parseWaitMs([40], 50, 51, true)).toBe(0);
    expect(parseWaitMs([0], 50, 70, true)).toBe(0);
  });
});

describe('ParseTurns', () => {
  it('gives one turn at a time, in the order asked', async () => {
    const turns = new ParseTurns(() => false);
    const order: string[] = [];
    const a = turns.turn().then((done) => {
      order.push('a');
      return done;
    });
    const b = turns.turn().then((done) => {
      order.push('b');
      done();
    });
    const doneA = await a;
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual(['a']); // b waits until a is done
    doneA();
    await b;
    expect(order).toEqual(['a', 'b']);
  });

  it('holds a turn while a due request is in flight and gives it when that request answers', async () => {
    let now = 0;
    const turns = new ParseTurns(
      () => true,
      () => now,
    );
    turns.sent(1);
    turns.sent(2);
    now = 50;
    turns.settled(1, true); // quickest round trip 50 ms: page 2, sent with it, is due
    let granted = false;
    const turn = turns.turn().then((done) => {
      granted = true;
      done();
    });
    for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
    expect(granted).toBe(false);
    turns.settled(2, true);
    await turn;
    expect(granted).toBe(true);
  });

  it('gives the turn anyway once the due request is overdue', async () => {
    let now = 0;
    const turns = new ParseTurns(
      () => true,
      () => now,
    );
    turns.sent(1);
    turns.sent(2);
    now = 10;
    turns.settled(1, true); // quickest round trip 10 ms; page 2 gives up at 12.5
    now = 13;
    const done = await turns.turn();
    done();
  });
});
