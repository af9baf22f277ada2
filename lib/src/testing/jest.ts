/**
 * `next-cloud-tasks/jest`: `withCloudTasksJest(config)` for a next/jest config, so jest
 * transforms this package and its ESM dependencies (docs/testing.md).
 */
export { withCloudTasksJest } from './jest-config.js';
export type { JestConfigLike } from './jest-config.js';
