/**
 * POST /api/connections/:cid/view-image {source: a view source} → the view's picture as PNG bytes
 * (Tableau's Query View Image at `resolution=high`, with the source's custom view, `vf_` filters,
 * parameters and maxAge: docs/tableau-rest.md#view-images). The pane puts it beside the view's
 * table (addin/workbook/picture-placement.ts) and refreshes both together.
 */
import type { ViewSource } from './source.js';

export interface ViewImageRequest {
  /** The same view source a pull takes, so the picture shows exactly the table's filtered data. */
  source: ViewSource;
}

export const VIEW_IMAGE_CONTENT_TYPE = 'image/png';

/**
 * The largest picture the server passes on: a high-resolution PNG of a dashboard is a few hundred KB
 * to a few MB; Excel inserts the picture from a base64 string inside one request, which Excel on the
 * web caps at 5 MB (docs/excel.md#payload-limits), and base64 adds a third.
 */
export const VIEW_IMAGE_MAX_BYTES = 3 * 1024 * 1024;
