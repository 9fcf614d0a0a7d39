/**
 * A "Picture only" insert on the Tables screen: listed with a picture icon and its view, refreshed by
 * its own Refresh button and by Refresh all (the picture's image is replaced in place), and removed
 * from the list like a table.
 */
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { PNG } from 'pngjs';
import { describe, expect, it, vi } from 'vitest';

import { createRefreshLog } from '../../../addin/refresh/runner/log.js';
import { RefreshService } from '../../../addin/refresh/runner/service.js';
import { memoryStartupPort } from '../../../addin/refresh/runner/startup.js';
import { TablesScreen } from '../../../addin/ui/tables/TablesScreen.js';
import { connection, fakeApi, memoryServices, renderWith } from './harness.js';

const png = (grey: number) => {
  const p = new PNG({ width: 200, height: 100 });
  p.data.fill(grey);
  return new Uint8Array(PNG.sync.write(p));
};

async function setup() {
  let grey = 100;
  const api = fakeApi({ viewImage: vi.fn(async () => png((grey += 20))) });
  const { services, gateway } = memoryServices(api);
  const service = new RefreshService({
    gateway,
    api,
    startup: memoryStartupPort(),
    timers: { now: () => Date.now(), setTimeout: () => 0, clearTimeout: () => undefined },
    runner: { log: createRefreshLog({ storage: undefined }) },
  });
  const placed = await gateway.insertPicture({
    sheet: 'Sheet1',
    name: 'Picture_Overview',
    base64: Buffer.from(png(10)).toString('base64'),
    where: { kind: 'at', address: 'B2' },
  });
  await service.onInserted({
    kind: 'picture',
    name: placed.name,
    sheet: placed.sheet,
    source: { kind: 'view', viewId: 'v-overview', name: 'Superstore / Overview' },
    connection,
  });
  const view = renderWith(<TablesScreen timeZone="UTC" />, { ...services, refresh: service });
  const shape = () => gateway.workbook.sheet('Sheet1').shapes.find((s) => s.name === 'Picture_Overview')!;
  return { api, gateway, service, view, shape };
}

describe('Tables screen: a picture-only insert', () => {
  it('is listed with its picture icon and view, and Refresh / Refresh all replace its image in place', async () => {
    const { api, shape, service } = await setup();
    const card = screen.getByRole('region', { name: 'Picture Overview' });
    expect(card.querySelector('h3 svg')).not.toBeNull();
    expect(within(card).getByText(/Superstore \/ Overview · sheet Sheet1/)).toBeInTheDocument();
    expect(within(card).getByText(/^Inserted .* · picture · not refreshed since$/)).toBeInTheDocument();
    // The list's count does not call a picture a table.
    expect(screen.getByText(/^\d+ pictures?$|tables? and \d+ pictures?$/)).toBeInTheDocument();
    // Nothing to edit or to go to: there is no table.
    expect(within(card).queryByRole('button', { name: /^Edit/ })).not.toBeInTheDocument();
    const first = { ...shape() };

    await userEvent.click(within(card).getByRole('button', { name: 'Refresh Picture Overview' }));
    await waitFor(() => expect(within(card).getByText('Refreshed')).toBeInTheDocument());
    expect(within(card).getByText(/· picture updated ·/)).toBeInTheDocument();
    const second = { ...shape() };
    expect(second.image).not.toBe(first.image);
    expect(second).toMatchObject({ left: first.left, top: first.top, width: first.width, height: first.height });

    await userEvent.click(screen.getByRole('button', { name: 'Refresh all' }));
    await waitFor(() => expect(api.viewImage).toHaveBeenCalledTimes(2));
    await waitFor(() => expect(shape().image).not.toBe(second.image));
    expect(shape()).toMatchObject({ left: first.left, top: first.top, width: first.width, height: first.height });

    // Removing it from the list works as for a table; the picture itself stays in the workbook.
    const [def] = await service.store.list();
    await service.remove(def.id);
    await waitFor(() => expect(screen.queryByRole('region', { name: 'Picture Overview' })).not.toBeInTheDocument());
    expect(shape()).toBeDefined();
  });

  it('says so on its card when the picture was deleted', async () => {
    const { gateway } = await setup();
    const shapes = gateway.workbook.sheet('Sheet1').shapes;
    shapes.splice(0, shapes.length);
    const card = screen.getByRole('region', { name: 'Picture Overview' });
    await userEvent.click(within(card).getByRole('button', { name: 'Refresh Picture Overview' }));
    await waitFor(() => expect(within(card).getAllByText(/is not on the sheet "Sheet1" any more/).length).toBeGreaterThan(0));
    expect(within(card).getByText('Failed')).toBeInTheDocument();
    expect(shapes).toEqual([]);
  });
});
