# syntax=docker/dockerfile:1
# Loyalty Connector as an image: the package is packed and installed exactly as a user would
# (npm pack, then npm install of the tarball into an empty folder; test/package runs the same
# commands), and only that installed package (compiled JavaScript) goes into the final image.

FROM node:20-bookworm-slim AS build
# better-sqlite3 compiles its addon when no prebuilt binary matches the platform.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /source
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# prepack builds dist/
RUN npm pack --pack-destination /packed
WORKDIR /app
RUN echo '{"name":"loyalty-connector-image","private":true}' > package.json \
 && npm install /packed/loyalty-connector-*.tgz --omit=dev --no-audit --no-fund \
 && npm cache clean --force

FROM node:20-bookworm-slim
# A container listens on every interface, so the control plane (it can wipe every chain) is off unless
# turned on together with a token: docker run -e CONTROL_API=on -e ADMIN_TOKEN=$(openssl rand -hex 32) …
# V8's young generation capped at 3 x 4 MB instead of up to 3 x 16: 30-40 MB less memory under load,
# no measurable cost in requests/s (BENCHMARKS.md).
ENV HOST=0.0.0.0 \
    PORT=8080 \
    DATABASE_URL=/data/loyalty.db \
    CONTROL_API=off \
    NODE_OPTIONS=--max-semi-space-size=4
WORKDIR /app
COPY --from=build --chown=node:node /app /app
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/health/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "/app/node_modules/loyalty-connector/bin/loyalty-connector.js"]
CMD ["serve"]
