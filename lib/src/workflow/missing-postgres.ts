/**
 * What a Next build loads in place of `@workflow/world-postgres` when the app has not installed it
 * (withCloudTasks aliases the package to this file: next/workflow-storage-alias.ts). The World
 * imports that package only for WORKFLOW_POSTGRES_URL, yet a bundler resolves every import at
 * build time, so without this stand-in an app that keeps its runs in local files beside the
 * emulator could not build. Loading it fails at once, naming the install command: a server with
 * WORKFLOW_POSTGRES_URL set finds out at start (the World's start() loads the storage package).
 */
import { missingStoragePackage, POSTGRES_STORAGE } from './storage-error.js';

// The alias is in the build: installing the package takes a new build too.
throw missingStoragePackage(POSTGRES_STORAGE.name, POSTGRES_STORAGE.why, { rebuild: true });
