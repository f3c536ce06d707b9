# caseflow's image: built in one stage, run from a second that holds only what the server
# needs (production dependencies, the compiled server, the migrations) as a non-root user.
# `docker build -t caseflow .` then see compose.yaml for PostgreSQL, Redis, two instances
# and a reverse proxy. test/container.test.ts runs this file's start command, environment
# and health check outside a container.

FROM node:20-bookworm-slim AS build
WORKDIR /app
# Dependencies first, so that a change to src/ reuses this layer. The install's
# postinstall generates the Prisma client from prisma/schema.prisma.
COPY package.json package-lock.json prisma.config.ts ./
COPY scripts/generate.mjs scripts/generate.mjs
COPY prisma prisma
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src src
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=4000 \
    DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY --from=build /app/prisma prisma
COPY scripts/healthcheck.mjs scripts/healthcheck.mjs
# The embedded database and the generated encryption key live in /data (unused on PostgreSQL).
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 CMD ["node", "scripts/healthcheck.mjs"]
# The server is PID 1: it handles SIGTERM and SIGINT itself (graceful stop, exit 0), so no
# init process is needed; it starts no children to reap.
STOPSIGNAL SIGTERM
CMD ["node", "dist/main.js"]
