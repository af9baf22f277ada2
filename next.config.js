const { withCloudTasks } = require('next-cloud-tasks/config');
const { withWorkflow } = require('workflow/next');

// The Workflow SDK's World: Cloud Tasks for its queue (next-cloud-tasks/workflow). Set before
// withWorkflow, which picks its own local World when this is unset; `next build`, `next dev` and
// `next start` read this file. A standalone server does not: the Dockerfile sets it too.
process.env.WORKFLOW_TARGET_WORLD ??= 'next-cloud-tasks/workflow';

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
// queue.yaml traced into standalone builds: see next-cloud-tasks/config. withWorkflow compiles the
// "use workflow" / "use step" functions and writes their routes (app/.well-known/workflow/v1).
module.exports = withWorkflow(withCloudTasks(nextConfig));
