const { withCloudTasks } = require('next-cloud-tasks/config');
const { withWorkflow } = require('workflow/next');

// The Workflow SDK's World: Cloud Tasks for its queue (next-cloud-tasks/workflow). Set before
// withWorkflow, which picks its own local World when this is unset. At run time
// instrumentation.ts registers the same World (registerWorkflowWorld), so a standalone server,
// which never reads this file, uses it too.
process.env.WORKFLOW_TARGET_WORLD ??= 'next-cloud-tasks/workflow';

/** @type {import('next').NextConfig} */
const nextConfig = {
  // Tests build into their own folder so that a running `next dev` keeps its .next.
  distDir: process.env.NEXT_DIST_DIR || '.next',
  // Test builds skip Next's type check: `npm test` runs tsc over the whole project first.
  typescript: { ignoreBuildErrors: process.env.NEXT_SKIP_TYPECHECK === '1' },
  // The Docker image sets NEXT_OUTPUT=standalone; `next start` wants the default output.
  output: process.env.NEXT_OUTPUT === 'standalone' ? 'standalone' : undefined,
  // Left to Node (and traced into a standalone build), not bundled: the workflow World's storage
  // packages, which it imports only when chosen, and the SDK's runtime, which the workflow routes
  // and instrumentation.ts would each bundle again (the demo's compile took 111 s with, 69 s without).
  serverExternalPackages: ['@workflow/world-local', '@workflow/world-postgres', '@workflow/core', '@workflow/world-vercel'],
};

// The task URLs' rewrites, the Cloud Tasks client as an external package, and its protos and
// queue.yaml traced into standalone builds: see next-cloud-tasks/config. withWorkflow compiles the
// "use workflow" / "use step" functions and writes their routes (app/.well-known/workflow/v1).
module.exports = withWorkflow(withCloudTasks(nextConfig));
