import { STREAM_CONTENT_TYPE } from '../common/stream.js';
test('contracts load', () => { expect(STREAM_CONTENT_TYPE).toBe('application/x-ndjson'); });
