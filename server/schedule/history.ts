/** How many runs (with their stored data) a schedule keeps: its own `historyLimit`, else the default. */
export const DEFAULT_HISTORY_LIMIT = 30;
export const MAX_HISTORY_LIMIT = 1000;
