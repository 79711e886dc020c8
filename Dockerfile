# Cadenza API and worker image (one image, two commands). Used by docker-compose.yml.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY workflows ./workflows
COPY ui ./ui
USER node
# Default: the API. The worker service overrides the command with `node dist/worker.js`.
CMD ["node", "dist/server.js"]
