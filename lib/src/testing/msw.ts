/**
 * `next-cloud-tasks/testing/msw`: msw handlers for Google's endpoints (Cloud Tasks REST backed by
 * a task-queue stub, Google's signing certs), for tests that go through real HTTP clients.
 * Needs `msw` (an optional peer dependency of next-cloud-tasks).
 */
export { cloudTasksRestHandlers } from './cloud-tasks-rest.js';
export type { BatchItemToFail, CloudTasksRestOptions } from './cloud-tasks-rest.js';
export type { ApiStatus } from '../contract/google-errors.js';
export { googleCertsHandler, GOOGLE_JWKS_URL } from './google-endpoints.js';
