/**
 * `npm run bench`: runs every bench/*.bench.ts in its own process, one after another (they would
 * compete for the CPU side by side), then prints their summaries. Results: bench/results/*.json.
 * `npm run bench -- handler` runs only the files whose name contains "handler".
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const filter = process.argv[2];
const files = readdirSync(__dirname)
  .filter((file) => file.endsWith('.bench.ts') && (!filter || file.includes(filter)))
  .sort();
if (!files.length) {
  console.error(`no bench/*.bench.ts matches "${filter}"`);
  process.exit(2);
}
let failed = 0;
for (const file of files) {
  console.log(`\n== ${file}`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, file)], { stdio: 'inherit' });
  if (result.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
