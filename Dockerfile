# syntax=docker/dockerfile:1
# The production image for Cloud Run: Next's standalone output on Node 22, run as a non-root user.
# Build: docker build -t REGION-docker.pkg.dev/PROJECT/REPO/app .   Deploy: docs/deploy-cloud-run.md
# test/integration/standalone-build.test.ts runs the same artifact (no Docker engine in CI).

ARG NODE_IMAGE=node:22-bookworm-slim

# 1. Dependencies, from the lockfile only, so this layer is cached until package-lock.json changes.
#    The package (lib/) is an npm workspace of the app: its package.json and bin shim come too.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY lib/package.json lib/
COPY lib/bin lib/bin
RUN npm ci --no-audit --no-fund

# 2. The build: NEXT_OUTPUT=standalone makes next.config.js emit .next/standalone (server.js plus
#    only the node_modules files the server traces, @google-cloud/tasks' JSON protos included).
FROM ${NODE_IMAGE} AS build
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1 NEXT_OUTPUT=standalone
COPY --from=deps /app/node_modules ./node_modules
COPY . .
# The app consumes the package as a user's app would, from its build (lib/dist).
RUN npm run build:lib && npx next build

# 3. The runtime: no npm, no sources, no dev dependencies; files owned by root, run as `node`
#    (uid 1000, in the base image), so the app cannot rewrite its own code.
FROM ${NODE_IMAGE} AS run
WORKDIR /app
# HOSTNAME: Docker sets it to the container id, and server.js binds to $HOSTNAME; Cloud Run sends
# traffic to 0.0.0.0:$PORT. PORT defaults to Cloud Run's 8080 and is overridden by Cloud Run.
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 HOSTNAME=0.0.0.0 PORT=8080
COPY --from=build /app/.next/standalone ./
COPY --from=build /app/.next/static ./.next/static
# Next writes its fetch/image caches here; the only writable folder.
RUN mkdir -p .next/cache && chown node:node .next/cache
USER node
EXPOSE 8080
# exec form: node is PID 1 and gets Cloud Run's SIGTERM itself (instrumentation.ts drains tasks).
CMD ["node", "server.js"]
