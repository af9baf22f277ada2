#!/usr/bin/env node
// The `next-cloud-tasks` command. A committed file, so that npm links the bin at install time even
// in a workspace checkout that has not built dist/ yet; the command itself is dist/cli/bin.js.
try {
  await import('../dist/cli/bin.js');
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('dist/cli/bin.js')) throw error;
  console.error('next-cloud-tasks is not built (no dist/cli/bin.js): in its repository, run `npm run build:lib`.');
  process.exit(70);
}
