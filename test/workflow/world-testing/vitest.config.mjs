import { defineConfig } from 'vitest/config';

// One test at a time: each starts its own server, all on one emulator.
export default defineConfig({
  test: { include: ['suite.test.mjs'], fileParallelism: false, reporters: ['verbose'] },
});
