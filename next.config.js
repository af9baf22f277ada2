/** @type {import('next').NextConfig} */
const taskClientFiles = ['./node_modules/@google-cloud/tasks/build/**/*.json', './node_modules/@google-cloud/tasks/package.json'];

module.exports = {
  // Tests build into their own folder so that a running `next dev` keeps its .next.
  distDir: process.env.NEXT_DIST_DIR || '.next',
  // Test builds skip Next's type check: `npm test` runs tsc over the whole project first.
  typescript: { ignoreBuildErrors: process.env.NEXT_SKIP_TYPECHECK === '1' },
  // The Docker image sets NEXT_OUTPUT=standalone; `next start` wants the default output.
  output: process.env.NEXT_OUTPUT === 'standalone' ? 'standalone' : undefined,
  // The Cloud Tasks client loads its protos at run time: Turbopack cannot bundle it.
  serverExternalPackages: ['@google-cloud/tasks'],
  // A standalone build copies only traced files: the client's JSON protos and queue.yaml are read at run time.
  outputFileTracingIncludes: {
    '/**': [...taskClientFiles, './queue.yaml'],
  },
  async rewrites() {
    return [
      // App Engine's vanity task URLs: /_ah/queue/deferred_<suffix>[/more] reach the same handler.
      { source: '/_ah/queue/deferred_:suffix', destination: '/_ah/queue/deferred/:suffix' },
      { source: '/_ah/queue/deferred_:suffix/:rest*', destination: '/_ah/queue/deferred/:suffix/:rest*' },
    ];
  },
};
