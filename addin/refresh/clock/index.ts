export { MAX_EVERY_MINUTES, dueDefinitions, earliestDue, intervalMs, nextDueAt, nextSlotAfter, type ClockState } from './due.js';
export { createTicker, type Ticker, type TickerOptions, type TimedDefinition } from './ticker.js';
export { toTimedDefinitions } from './fromDefinitions.js';
