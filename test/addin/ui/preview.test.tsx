import { Toaster } from '@fluentui/react-components';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import type { CallOptions } from '../../../addin/api/client.js';
import PreviewScreen from '../../../addin/ui/preview/PreviewScreen.js';
import { TOASTER_ID } from '../../../addin/ui/shared/toaster.js';
import type { PullRequest } from '../../../common/api.js';
import type { PullSource } from '../../../common/source.js';
import type { CellValue, ColumnSpec, StreamMessage } from '../../../common/stream.js';
import { axeViolations, connection, fakeApi, memoryServices, renderWith, streamOf } from './harness.js';

const columns: ColumnSpec[] = [
  { name: 'Region', type: 'text', format: '@' },
  { name: 'Sales', type: 'currency', format: '$#,##0' },
  { name: 'Order Date', type: 'date', format: 'yyyy-mm-dd' },
];
const rows = (n: number): CellValue[][] => Array.from({ length: n }, (_, i) => [`R${i}`, 1234 + i, 45000 + i]);
const source: PullSource = { kind: 'view', viewId: 'v1', name: 'Superstore / Orders' };

/** Preview pulls (options.limit) get the first rows; insert pulls get `full`. */
function pullFake(full: (signal?: AbortSignal) => AsyncGenerator<StreamMessage>, previewRows = 3, truncated = false) {
  return vi.fn((_cid: string, req: PullRequest, opts?: CallOptions) =>
    req.options?.limit
      ? streamOf([
          { kind: 'meta', columns },
          { kind: 'rows', rows: rows(previewRows) },
          { kind: 'end', rowCount: previewRows, truncated },
        ])
      : full(opts?.signal),
  );
}

function setup(pull: ReturnType<typeof pullFake>, onInserted = vi.fn()) {
  const api = fakeApi({ pull });
  const ctx = memoryServices(api, { onInserted });
  const writeSpy = vi.spyOn(ctx.gateway, 'writeTable');
  const utils = renderWith(
    <>
      <PreviewScreen connection={connection} source={source} title="Superstore / Orders" onBack={vi.fn()} />
      <Toaster toasterId={TOASTER_ID} />
    </>,
    ctx.services,
  );
  return { api, ...ctx, writeSpy, onInserted, ...utils };
}

const fullStream = (n: number) => () =>
  streamOf([
    { kind: 'meta', columns },
    { kind: 'rows', rows: rows(n) },
    { kind: 'end', rowCount: n, truncated: false },
  ]);

describe('Preview and insert', { timeout: 90_000 }, () => {
  it('previews the first 100 rows with column types and formatted values', async () => {
    const { api } = setup(pullFake(fullStream(3), 100, true));
    expect(await screen.findByText(/First 100 rows · 3 columns/)).toBeInTheDocument();
    expect(api.pull).toHaveBeenCalledWith('c1', { source, options: { limit: 100 } }, expect.anything());
    const table = screen.getByRole('region', { name: /First 100 rows of Superstore \/ Orders/ });
    expect(within(table).getByRole('columnheader', { name: /Sales\s*currency/ })).toBeInTheDocument();
    expect(within(table).getByText('$1,234')).toBeInTheDocument();
    expect(within(table).getByText('2023-03-15')).toBeInTheDocument();
    expect(within(table).getAllByRole('row')).toHaveLength(101);
  });

  it('inserts on a new sheet with the table name, says so once inline (no toast), and reports the table to onInserted', async () => {
    const { writeSpy, onInserted, workbook } = setup(pullFake(fullStream(3)));
    const user = userEvent.setup();
    await screen.findByText(/All 3 rows/);
    const name = screen.getByLabelText(/Table name/);
    expect(name).toHaveValue('Orders');
    await user.click(screen.getByRole('button', { name: 'Insert' }));
    // Said once, inline, in the polite live region (issue #21: the toast repeated it over the Table name field).
    const done = await screen.findByText(/^Inserted 3 rows into Orders \(Orders!A1:C4\)\.$/);
    expect(done.closest('[role="status"]')).not.toBeNull();
    expect(screen.getAllByText(/Inserted 3 rows into Orders/)).toHaveLength(1);
    expect(document.querySelector('.fui-Toast')).toBeNull();
    expect(writeSpy).toHaveBeenCalledWith(
      { kind: 'newSheet', sheetName: 'Orders' },
      columns,
      expect.anything(),
      expect.objectContaining({ tableName: 'Orders', totalRows: 3 }),
    );
    expect(onInserted).toHaveBeenCalledWith(
      expect.objectContaining({ tableName: 'Orders', source, connection, columns, rowCount: 3, truncated: false }),
    );
    expect(workbook.snapshot().tables).toEqual([expect.objectContaining({ name: 'Orders', sheet: 'Orders', address: 'A1:C4' })]);
  });

  it('refuses an invalid table name before touching the workbook', async () => {
    const { writeSpy } = setup(pullFake(fullStream(3)));
    const user = userEvent.setup();
    await screen.findByText(/All 3 rows/);
    const name = screen.getByLabelText(/Table name/);
    await user.clear(name);
    await user.type(name, 'My table');
    await user.click(screen.getByRole('button', { name: 'Insert' }));
    expect(await screen.findByText('Table names cannot contain spaces; use _ instead.')).toBeInTheDocument();
    expect(writeSpy).not.toHaveBeenCalled();
  });

  it('says where a collision is at the selected cell and offers the suggested place', async () => {
    const { writeSpy, workbook } = setup(pullFake(fullStream(3)));
    workbook.writeValue('Sheet1', 2, 1, 'in the way'); // B3
    const user = userEvent.setup();
    await screen.findByText(/All 3 rows/);
    await user.click(screen.getByRole('radio', { name: 'At the selected cell' }));
    await user.click(screen.getByRole('button', { name: 'Insert' }));
    const alert = (await screen.findByText(/is in the way/)).closest('[role="alert"]') as HTMLElement;
    expect(alert).toHaveTextContent('Sheet1!B3');
    expect(writeSpy).not.toHaveBeenCalled();
    const useSuggestion = within(alert).getByRole('button', { name: /^Use / });
    await user.click(useSuggestion);
    expect(await screen.findByText(/^Inserted 3 rows into Orders \(/)).toBeInTheDocument();
    const target = writeSpy.mock.calls[0][0];
    expect(target).not.toEqual({ kind: 'cell', sheet: 'Sheet1', address: 'A1' });
    expect(workbook.value('Sheet1', 2, 1)).toBe('in the way');
  });

  it('cancels a running insert: the stream and the write stop, no table is left', async () => {
    let release: () => void = () => undefined;
    async function* slow(signal?: AbortSignal): AsyncGenerator<StreamMessage> {
      yield { kind: 'meta', columns };
      yield { kind: 'rows', rows: rows(50) };
      await new Promise<void>((resolve, reject) => {
        release = resolve;
        signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
      });
      yield { kind: 'end', rowCount: 50, truncated: false };
    }
    const { workbook, onInserted } = setup(pullFake(slow, 100, true));
    const user = userEvent.setup();
    await screen.findByText(/First 100 rows/);
    await user.click(screen.getByRole('button', { name: 'Insert' }));
    const cancel = await screen.findByRole('button', { name: 'Cancel' });
    expect(screen.getByRole('progressbar')).toBeInTheDocument();
    await user.click(cancel);
    expect(await screen.findByText('Insert cancelled.')).toBeInTheDocument();
    release();
    expect(workbook.snapshot().tables).toEqual([]);
    expect(onInserted).not.toHaveBeenCalled();
    expect(screen.getByRole('button', { name: 'Insert' })).toBeEnabled();
  });

  it('says the total of a cut preview when the source counted it ("First 100 of 48,213 rows"), and no guess when not', async () => {
    const preview = (end: StreamMessage) => vi.fn(() => streamOf([{ kind: 'meta', columns }, { kind: 'rows', rows: rows(100) }, end]));
    const counted = setup(preview({ kind: 'end', rowCount: 100, truncated: true, totalRows: 48_213 }) as never);
    expect(await screen.findByText(/^First 100 of 48,213 rows · 3 columns/)).toBeInTheDocument();
    expect(screen.getByRole('region', { name: /^First 100 of 48,213 rows of Superstore \/ Orders/ })).toBeInTheDocument();
    counted.unmount();
    setup(preview({ kind: 'end', rowCount: 100, truncated: true }) as never);
    expect(await screen.findByText(/^First 100 rows · 3 columns · Insert brings all of them/)).toBeInTheDocument();
    expect(screen.queryByText(/ of [\d,]+ rows/)).not.toBeInTheDocument();
  });

  it("shows the insert's progress against the count Tableau announced", async () => {
    let release: () => void = () => undefined;
    async function* announced(): AsyncGenerator<StreamMessage> {
      yield { kind: 'meta', columns };
      yield { kind: 'progress', stage: 'vds-rows', message: 'Tableau is sending 250 rows', totalRows: 250 };
      yield { kind: 'rows', rows: rows(100) };
      await new Promise<void>((resolve) => (release = resolve));
      yield { kind: 'rows', rows: rows(150) };
      yield { kind: 'end', rowCount: 250, truncated: false };
    }
    setup(pullFake(announced, 100, true));
    const user = userEvent.setup();
    await screen.findByText(/First 100 rows/);
    await user.click(screen.getByRole('button', { name: 'Insert' }));
    // The writer may hold the first batch back until the next one comes: the count so far varies, the total does not.
    expect(await screen.findByText(/^Writing rows… [\d,]+ of 250$/)).toBeInTheDocument();
    // Screen readers hear the share done, in tenths, not every count.
    expect(screen.getByRole('status')).toHaveTextContent(/^Writing rows: (0|[1-9]0|100) % done\.$/);
    expect(screen.queryByText('Tableau is sending 250 rows')).not.toBeInTheDocument();
    release();
    expect(await screen.findByText(/^Inserted 250 rows into Orders/)).toBeInTheDocument();
  });

  it('shows a stream error in plain words with its hint', async () => {
    const pull = vi.fn(() =>
      streamOf([
        {
          kind: 'error',
          error: {
            code: 'vds-disabled',
            message: 'VizQL Data Service is turned off on this server',
            hint: 'Ask your Tableau administrator to enable it.',
          },
        },
      ]),
    );
    setup(pull as never);
    const message = await screen.findByText('VizQL Data Service is turned off on this server');
    expect(message.closest('[role="alert"]')).toHaveTextContent('Ask your Tableau administrator to enable it.');
    expect(screen.queryByRole('button', { name: 'Insert' })).not.toBeInTheDocument();
  });

  it('reports an error that arrives in the middle of an insert', async () => {
    const broken = () =>
      streamOf([
        { kind: 'meta', columns },
        { kind: 'rows', rows: rows(2) },
        { kind: 'error', error: { code: 'session-expired', message: 'Tableau signed you out', hint: 'Connect again.' } },
      ]);
    const { workbook } = setup(pullFake(broken));
    const user = userEvent.setup();
    await screen.findByText(/All 3 rows/);
    await user.click(screen.getByRole('button', { name: 'Insert' }));
    const message = await screen.findByText('Tableau signed you out');
    expect(message.closest('[role="alert"]')).toHaveTextContent('Connect again.');
    await waitFor(() => expect(workbook.snapshot().tables).toEqual([]));
  });

  it('has no axe violations with the preview table and insert form', async () => {
    const { container } = setup(pullFake(fullStream(3)));
    await screen.findByText(/All 3 rows/);
    expect(await axeViolations(container)).toEqual([]);
  });
});
