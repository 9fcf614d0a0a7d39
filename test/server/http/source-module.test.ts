import { describe, expect, it } from 'vitest';

import { isSourceModule } from '../../../server/http/app.js';

describe('dev-mode routing of /api/* between the API and Vite', () => {
  it('hands GETs for the add-in source modules under addin/api/ to Vite', () => {
    expect(isSourceModule('GET', '/api/client.ts')).toBe(true);
    expect(isSourceModule('GET', '/api/schedules.ts?t=123')).toBe(true);
    expect(isSourceModule('GET', '/api/session.tsx?import')).toBe(true);
  });

  it('keeps API paths (no file extension) and other methods with the API', () => {
    expect(isSourceModule('GET', '/api/connections')).toBe(false);
    expect(isSourceModule('GET', '/api/connections/abc/workbooks?projectId=x.ts')).toBe(false);
    expect(isSourceModule('POST', '/api/client.ts')).toBe(false);
    expect(isSourceModule('GET', '/health')).toBe(false);
  });
});
