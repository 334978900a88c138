# One image definition for both apps: `--target producer` or `--target consumer` (the default, last stage).
#   docker build --target producer -t producer .
# The base is pinned by digest; BASE_IMAGE is a build arg so the image test can swap in a local
# base (scripts/image/local-base.ts). No secrets are passed to or stored in any layer: credentials
# reach the pods at run time from the SealedSecret "broker-credentials".
# `--ignore-scripts`: no dependency needs an install script (only banners and version checks:
# @nestjs/core, protobufjs; esbuild's is for tsx, unused here), and none may run in the build.
# The Node.js major is the one in .nvmrc (test/delivery/dockerfile.test.ts holds them together).
# Digest: the multi-arch index of node:24-bookworm-slim as pinned in openclaw/openclaw@43ac601c:Dockerfile
# (Dependabot-maintained there); no registry is reachable from where this was written, so it was
# not re-resolved here. Renovate (renovate.json) keeps it current from now on.
ARG BASE_IMAGE=docker.io/library/node:24-bookworm-slim@sha256:e8e2e91b1378f83c5b2dd15f0247f34110e2fe895f6ca7719dbb780f929368eb
# Broker SDK the image carries: `memphis` (memphis-dev, an optional dependency, and its NestJS /
# Express tree) or `nats` (none of it: the NATS adapter needs only @nats-io/*). Build the image of
# an environment with BROKER_BY_ENVIRONMENT's broker (cdk8s/config.ts). `--omit=optional` leaves
# optional dependencies off disk (https://docs.npmjs.com/cli/v11/commands/npm-ci#omit); memphis-dev
# is the only one (test/delivery/dockerfile.test.ts), and the image test checks both images.
ARG BROKER=memphis

# --- build: all dependencies, compile src/ to dist/ ------------------------------------------
FROM ${BASE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npx tsc -p tsconfig.build.json

# --- production dependencies only ------------------------------------------------------------
FROM ${BASE_IMAGE} AS prod-deps
ARG BROKER
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm \
    case "$BROKER" in \
      memphis) omit="" ;; \
      nats) omit="--omit=optional" ;; \
      *) echo "BROKER must be memphis or nats, got '$BROKER'" >&2; exit 2 ;; \
    esac && \
    npm ci --omit=dev $omit --ignore-scripts --no-audit --no-fund && \
    if [ "$BROKER" = memphis ]; then test -f node_modules/memphis-dev/package.json; \
    else test ! -e node_modules/memphis-dev; fi

# --- runtime: node, production node_modules, dist/; non-root ---------------------------------
FROM ${BASE_IMAGE} AS runtime
ARG BROKER
LABEL io.keda-event-pipeline.broker="${BROKER}"
ENV NODE_ENV=production
WORKDIR /app
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
# Numeric, so Kubernetes runAsNonRoot can verify it; the root filesystem can be read-only (/tmp is an emptyDir).
USER 10001:10001
EXPOSE 8080

# `node` directly (not npm) so SIGTERM reaches the app and it can drain.
FROM runtime AS producer
LABEL org.opencontainers.image.title="producer"
CMD ["node", "dist/apps/producer/main.js"]

FROM runtime AS consumer
LABEL org.opencontainers.image.title="consumer"
CMD ["node", "dist/apps/consumer/main.js"]
