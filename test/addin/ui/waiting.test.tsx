/** The notice main.tsx shows while Office is slow to start the add-in (HostAdapter.ready's onSlow). */
import './harness.js';

import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { WaitingForExcel } from '../../../addin/app/Root.js';

describe('waiting for Excel', () => {
  it('says plainly that Excel is still starting the add-in, and what to do if it never does', () => {
    render(<WaitingForExcel />);
    expect(screen.getByRole('status')).toHaveTextContent(
      'Waiting for Excel to finish starting the add-in… If this takes more than a minute, close the pane and open it again.',
    );
  });
});
