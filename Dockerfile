# One image for every OMS process: the four services and web. compose.yaml runs it once per service
# and picks the process with `command:` (`deno task start:<name>`); the default runs web.
#
# Everything a process imports, and web's client bundle, is fetched and built here, so containers start
# without downloading anything. They run as the image's non-root `deno` user; KV stores live in /data
# (a named volume per service in compose.yaml).
FROM denoland/deno:2.9.6

ENV DENO_NO_UPDATE_CHECK=1 \
    DENO_NO_PROMPT=1 \
    NO_COLOR=1 \
    DATA_DIR=/data \
    WEB_BUILD_DIR=/app/.web-build

WORKDIR /app
COPY --chown=deno:deno . .
RUN mkdir -p /data && chown deno:deno /data /app
USER deno

# The dependency graph of every entry point (npm packages into DENO_DIR, checked against deno.lock).
RUN deno install --entrypoint \
      services/orders/main.ts services/stock/main.ts services/payments/main.ts services/kitchen/main.ts \
      web/main.ts scripts/healthcheck.ts

# Web's island bundle (deno bundle, cached under WEB_BUILD_DIR by a hash of the sources), built once here
# instead of at every container start.
RUN deno eval 'import { buildClient } from "./web/framework/bundle.ts"; \
      const root = new URL(`file://${Deno.cwd()}/`); \
      const b = await buildClient({ root, entry: new URL("web/client.gen.ts", root), sources: [new URL("web/", root)] }); \
      console.log(`web client bundle ${b.entry} in ${b.dir}`);'

# web, orders, stock, payments, kitchen (services/common/config.ts DEFAULT_PORTS)
EXPOSE 8080 50051 50052 50053 50054

# tini (the base image's entrypoint) forwards SIGTERM; `deno task` passes it on to the process, which
# drains and exits within 10 s (compose's default stop grace period). The start:* tasks carry the V8 heap
# limits every OMS process runs with (scripts/runtime_flags.ts).
CMD ["deno", "task", "start:web"]
