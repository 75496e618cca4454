# PCI Scope Guard collector: one bundled file on node:22-slim, running as a non-root user;
# the root file system can be read-only (state lives only in the /var/lib/psg volume).
#   docker build -t psg-collector .
#   docker run --read-only -v psg:/var/lib/psg -e PSG_API_URL=... -e PSG_ENROLL_TOKEN=... -e AWS_REGION=... psg-collector run
#   ... -e PSG_AZURE_SUBSCRIPTIONS=... -e AZURE_TENANT_ID=... -e AZURE_CLIENT_ID=... -e AZURE_CLIENT_SECRET=...   (Azure)
#   ... -e PSG_GCP_PROJECTS=...   (GCP, with workload identity / GOOGLE_APPLICATION_CREDENTIALS)
# One line per cloud in docs/collector.md.

FROM node:22-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
# Scripts are skipped: the bundle needs esbuild's platform binary (an optional dependency),
# not the postinstall downloads of the worker's tooling.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.base.json tsconfig.json ./
COPY contract ./contract
COPY collector ./collector
RUN node collector/build.mjs && node dist/collector/cli.mjs --version

FROM node:22-slim
ENV NODE_ENV=production \
    PSG_IN_CONTAINER=1 \
    PSG_STATE_DIR=/var/lib/psg \
    AWS_EC2_METADATA_V1_DISABLED=true
WORKDIR /app
COPY --from=build /src/dist/collector/cli.mjs /app/cli.mjs
RUN mkdir -p /var/lib/psg && chown node:node /var/lib/psg && chmod 0700 /var/lib/psg
USER node
VOLUME /var/lib/psg
ENTRYPOINT ["node", "/app/cli.mjs"]
CMD ["run"]
