export { createApiClient } from './client.js';
export type { ApiClient, ApiClientOptions, CallOptions, JsonObject, PageQuery } from './client.js';
export { ApiError, NETWORK_DOWN, isAbort, toApiError, errorForStatus } from './errors.js';
export { createSessionStore, sessionKey, type KeyValueStorage, type SessionStore } from './sessionStore.js';
export { allPages, collectAll } from './paging.js';
