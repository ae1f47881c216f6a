# syntax=docker/dockerfile:1
# batchbot's server image: `docker build -t batchbot .`, then run it with APP_ID, PRIVATE_KEY and
# WEBHOOK_SECRET (docs/deployment.md). Node: an LTS version that CI tests, pinned here once
# (`docker build --build-arg NODE_VERSION=24.x.y` to change it).

# Build stage: compile TypeScript with the dev dependencies, then drop them.
ARG NODE_VERSION=24.11.1

FROM node:${NODE_VERSION}-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
RUN npm run build && npm prune --omit=dev --omit=optional

# Runtime stage: production dependencies and the compiled app, read-only to the unprivileged `node` user.
FROM node:${NODE_VERSION}-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    LOG_FORMAT=json \
    LOG_LEVEL=info
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/main.js"]
