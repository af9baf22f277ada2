const { withCloudTasks } = require('next-cloud-tasks/config');

/** @type {import('next').NextConfig} */
const nextConfig = {
  // Tests build into their own folder so that a running `next dev` keeps its .next.
  distDir: process.env.NEXT_DIST_DIR || '.next',
  // Test builds skip Next's type check: `npm test` runs tsc over the whole project first.
  typescript: { ignoreBuildErrors: process.env.NEXT_SKIP_TYPECHECK === '1' },
  // The Docker image sets NEXT_OUTPUT=standalone; `next start` wants the default output.
  output: process.env.NEXT_OUTPUT === 'standalone' ? 'standalone' : undefined,
};

// The task URLs' rewrites, the Cloud Tasks client as an external package, and its protos and
// queue.yaml traced into standalone builds: see next-cloud-tasks/config.
module.exports = withCloudTasks(nextConfig);
