import { describe, expect, it } from 'vitest';

import { compareVersions, parseProductVersion, supportsFeature, vdsSchemaVersion } from '../../../server/tableau/index.js';

describe('product versions', () => {
  it('parses release, compact Cloud and dev-build versions', () => {
    expect(parseProductVersion('2025.3.0')).toEqual([2025, 3, 0]);
    expect(parseProductVersion('2026.1')).toEqual([2026, 1, 0]);
    expect(parseProductVersion('20253.25.0924.1234')).toEqual([2025, 3]);
    expect(parseProductVersion('main')).toEqual([Infinity]);
    expect(parseProductVersion('main.25.0804.1416')).toEqual([Infinity]);
    expect(parseProductVersion('')).toBeUndefined();
    expect(parseProductVersion('42')).toBeUndefined();
  });

  it('compares segment by segment', () => {
    expect(compareVersions([2025, 3, 0], [2025, 3])).toBe(0);
    expect(compareVersions([2025, 10], [2025, 9])).toBe(1);
    expect(compareVersions([Infinity], [2026, 1])).toBe(1);
  });
});

describe('feature table', () => {
  const at = (productVersion: string, restApiVersion = '3.28') => ({ productVersion, restApiVersion });

  it('gates VDS features by product version', () => {
    expect(supportsFeature(at('2024.2.0'), 'vds')).toBe(false);
    expect(supportsFeature(at('2025.1.0'), 'vds')).toBe(true);
    expect(supportsFeature(at('2025.1.0'), 'vdsRowLimit')).toBe(false);
    expect(supportsFeature(at('2025.3.0'), 'vdsDatasourceModel')).toBe(true);
    expect(supportsFeature(at('2025.3.0'), 'vdsConditionFilter')).toBe(false);
    expect(supportsFeature(at('2026.1.0'), 'vdsRowLimit')).toBe(true);
    expect(supportsFeature(at('main'), 'vdsRowLimit')).toBe(true);
  });

  it('gates REST features by REST version (3.10 > 3.9, not string order)', () => {
    expect(supportsFeature(at('2019.2', '3.4'), 'patSignIn')).toBe(false);
    expect(supportsFeature(at('2019.4', '3.6'), 'patSignIn')).toBe(true);
    expect(supportsFeature(at('2022.1', '3.15'), 'jwtSignIn')).toBe(false);
    expect(supportsFeature(at('2022.3', '3.17'), 'jwtSignIn')).toBe(true);
    expect(supportsFeature(at('x', '3.24'), 'incrementalRefresh')).toBe(false);
    expect(supportsFeature(at('x', '3.25'), 'incrementalRefresh')).toBe(true);
    expect(supportsFeature(at('2020.4', '3.10'), 'encodedFilters')).toBe(true);
  });

  it('maps product versions to VDS schema versions', () => {
    expect(vdsSchemaVersion('2024.2.3')).toBeUndefined();
    expect(vdsSchemaVersion('2025.1.4')).toBe('20251.0');
    expect(vdsSchemaVersion('2025.2.0')).toBe('20252.0');
    expect(vdsSchemaVersion('2025.3.1')).toBe('20253.0');
    expect(vdsSchemaVersion('2025.4.0')).toBe('20253.0');
    expect(vdsSchemaVersion('2026.1.0')).toBe('20261.0');
    expect(vdsSchemaVersion('2027.2.0')).toBe('20261.0');
    expect(vdsSchemaVersion('main')).toBe('20261.0');
  });
});
