# One image definition for both apps: `--target producer` or `--target consumer` (the default, last stage).
#   docker build --target producer -t producer .
# The base is pinned by digest; BASE_IMAGE is a build arg so the image test can swap in a local
# base (testkit/image/local-base.ts). No secrets are passed to or stored in any layer: credentials
# reach the pods at run time from the SealedSecret "broker-credentials".
# `--ignore-scripts`: no dependency needs an install script (only banners and version checks:
# @nestjs/core, protobufjs), and none may run in the build. esbuild's postinstall only checks or
# links the binary that npm installs anyway from its platform package (@esbuild/linux-x64).
# The Node.js major is the one in .nvmrc (test/delivery/dockerfile.test.ts holds them together).
# Digest: the multi-arch index of node:24-bookworm-slim as pinned in openclaw/openclaw@43ac601c:Dockerfile
# (Dependabot-maintained there); no registry is reachable from where this was written, so it was
# not re-resolved here. Renovate (renovate.json) keeps it current from now on.
ARG BASE_IMAGE=docker.io/library/node:24-bookworm-slim@sha256:e8e2e91b1378f83c5b2dd15f0247f34110e2fe895f6ca7719dbb780f929368eb
# Broker SDK the image carries: `memphis` (memphis-dev, an optional dependency, and its NestJS /
# Express tree in node_modules) or `nats` (none of it, and no node_modules at all: the NATS client
# is in the bundle). Build the image of an environment with BROKER_BY_ENVIRONMENT's broker
# (cdk8s/config.ts); the image test checks both images.
ARG BROKER=memphis

# --- build: all dependencies, bundle each app into dist/ (scripts/build.ts) -------------------
# On the builder's own platform: the bundles are plain JavaScript, the same for every target
# platform, so a linux/arm64 image does not run esbuild under emulation.
FROM --platform=$BUILDPLATFORM ${BASE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/build.ts ./scripts/
COPY tooling/repo-root.ts tooling/cli.ts ./tooling/
COPY src ./src
# The source maps are not shipped: nothing in the image enables them (no --enable-source-maps,
# which would parse every map at start and cost the cold start the benchmarks measure).
RUN npx tsx scripts/build.ts && find dist -name '*.map' -delete

# --- the node_modules the bundles still import at run time -----------------------------------
# The bundles carry every dependency except memphis-dev, which only the Memphis adapter's chunk
# imports: the NATS image ships an empty node_modules, the Memphis image the production tree.
FROM ${BASE_IMAGE} AS prod-deps
ARG BROKER
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm \
    case "$BROKER" in \
      memphis) npm ci --omit=dev --ignore-scripts --no-audit --no-fund && \
               test -f node_modules/memphis-dev/package.json ;; \
      nats) mkdir node_modules ;; \
      *) echo "BROKER must be memphis or nats, got '$BROKER'" >&2; exit 2 ;; \
    esac

# --- runtime: node, the node_modules above, dist/; non-root ----------------------------------
FROM ${BASE_IMAGE} AS runtime
ARG BROKER
LABEL io.keda-event-pipeline.broker="${BROKER}"
ENV NODE_ENV=production
# Node's module compile cache (Node.js 22.1+; https://nodejs.org/api/module.html#module-compile-cache),
# written below for this image's files, node and uid; a start then reads compiled code instead of
# compiling the bundle (tooling/image/warm-compile-cache.mjs).
ENV NODE_COMPILE_CACHE=/app/.node-compile-cache
WORKDIR /app
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
RUN mkdir .node-compile-cache && chown 10001:10001 .node-compile-cache
# Numeric, so Kubernetes runAsNonRoot can verify it; the root filesystem can be read-only (/tmp is an emptyDir).
USER 10001:10001
RUN --mount=type=bind,source=tooling/image/warm-compile-cache.mjs,target=/tmp/warm-compile-cache.mjs \
    node /tmp/warm-compile-cache.mjs
EXPOSE 8080

# `node` directly (not npm) so SIGTERM reaches the app and it can drain.
FROM runtime AS producer
LABEL org.opencontainers.image.title="producer"
CMD ["node", "dist/apps/producer/main.js"]

FROM runtime AS consumer
LABEL org.opencontainers.image.title="consumer"
CMD ["node", "dist/apps/consumer/main.js"]
