// Runs before `npm run dev` and `npm test` (the README's two commands) and every other script that
// needs the package built, with no dependencies of its own so that it works on a fresh clone: checks the Node.js version, and installs the
// project's packages when node_modules is missing or older than package-lock.json.
import { execSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';

const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  console.error(
    `This project needs Node.js 22 or newer (found ${process.version}): @google-cloud/tasks 7, google-auth-library 11 and msw 3 require it.\n` +
      'Install Node 22 (https://nodejs.org, or your version manager: `nvm install 22`), then run the command again.',
  );
  process.exit(1);
}

const installed = 'node_modules/.package-lock.json';
const stale = !existsSync(installed) || statSync(installed).mtimeMs < statSync('package-lock.json').mtimeMs;
if (stale) {
  console.error("Installing the project's packages (npm ci)...");
  execSync('npm ci --no-audit --no-fund', { stdio: 'inherit' });
}

// The demo consumes the package as a user's app does: from its build (lib/dist), which this
// rebuilds every time (a second or two), so dist is never stale.
execSync('npm run build --workspace next-cloud-tasks --silent', { stdio: 'inherit' });
