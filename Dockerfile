# One image definition for both apps: `--target producer` or `--target consumer` (the default, last stage).
#   docker build --target producer -t producer .
# The base is pinned by digest; BASE_IMAGE is a build arg so the image test can swap in a local
# base (scripts/image/local-base.ts). No secrets are passed to or stored in any layer: credentials
# reach the pods at run time from the SealedSecret "broker-credentials".
# `--ignore-scripts`: no dependency needs an install script (only banners and version checks:
# @nestjs/core, protobufjs; esbuild's is for tsx, unused here), and none may run in the build.
ARG BASE_IMAGE=docker.io/library/node:20-bookworm-slim@sha256:2cf067cfed83d5ea958367df9f966191a942351a2df77d6f0193e162b5febfc0

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
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --ignore-scripts --no-audit --no-fund

# --- runtime: node, production node_modules, dist/; non-root ---------------------------------
FROM ${BASE_IMAGE} AS runtime
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
