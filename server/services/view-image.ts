/**
 * A view's picture for the pane (common/view-image.ts): Query View Image at high resolution with the
 * view source's custom view, filters, parameters and maxAge, so it shows the data the table holds.
 */
import type { ViewSource } from '../../common/source.js';
import { tableauMaxAge } from '../../common/source.js';
import { VIEW_IMAGE_CONTENT_TYPE, VIEW_IMAGE_MAX_BYTES } from '../../common/view-image.js';
import { ApiError } from '../errors.js';
import type { ConnectionService } from './connections.js';

export class ViewImageService {
  constructor(private readonly connections: ConnectionService) {}

  async image(userId: string, connectionId: string, source: ViewSource): Promise<Buffer> {
    const { client } = await this.connections.client(userId, connectionId);
    const common = { highResolution: true, maxBytes: VIEW_IMAGE_MAX_BYTES, filters: source.filters };
    // As the custom view's data is pulled (server/pull/pull-messages.ts): its saved state plus vf_ filters.
    const image = source.customViewId
      ? await client.customViewImage(source.customViewId, common)
      : await client.viewImage(source.viewId, {
          ...common,
          parameters: source.parameters,
          maxAgeMinutes: tableauMaxAge(source.maxAgeMinutes),
        });
    // Only PNG goes into a workbook picture (Excel's addImage takes PNG or JPEG: docs/excel.md#pictures).
    if (image.contentType !== VIEW_IMAGE_CONTENT_TYPE)
      throw new ApiError({
        code: 'bad-response',
        message: `Tableau answered the view's picture as ${image.contentType || 'an unlabelled body'}, not as a PNG image.`,
      });
    return image.bytes;
  }
}
