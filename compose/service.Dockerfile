# syntax=docker/dockerfile:1
# One recipe for the five service images: they differ only in the product they build and run.
#
#   docker build -f compose/service.Dockerfile --build-arg SERVICE=tasks -t orchestrator-tasks .
#
# Built with the official Swift image; run on its slim runtime image (the Swift runtime and
# nothing else) plus the shared libraries the binary links — `compose/local test` checks this
# list against `ldd` of the built binaries — as a non-root user, with a health check on
# /health/ready.
ARG SWIFT_VERSION=6.3

FROM swift:${SWIFT_VERSION}-bookworm AS build
ARG SERVICE
RUN test -n "$SERVICE" || { echo "--build-arg SERVICE=auth|tasks|scheduler|notifier|analytics is required" >&2; exit 1; }
RUN apt-get update \
    && apt-get install -y --no-install-recommends librabbitmq-dev libhiredis-dev libssl-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /build
COPY . .
RUN --mount=type=cache,target=/build/.build \
    swift build -c release --product "orchestrator-$SERVICE" \
    && install -D ".build/release/orchestrator-$SERVICE" "/out/orchestrator-service" \
    && cp -R .build/release/*.resources /out/

FROM swift:${SWIFT_VERSION}-bookworm-slim
ARG SERVICE
# runtime-libraries: librabbitmq4 libhiredis0.14 libssl3 zlib1g libstdc++6 libgcc-s1 libc6
RUN apt-get update \
    && apt-get install -y --no-install-recommends librabbitmq4 libhiredis0.14 libssl3 zlib1g libstdc++6 libgcc-s1 libc6 curl ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --user-group --no-create-home orchestrator
# The binary and, beside it where it looks for them, its resource bundles (the OpenAPI documents).
COPY --from=build /out/ /usr/local/bin/
LABEL org.opencontainers.image.title="orchestrator-${SERVICE}" \
      org.opencontainers.image.source="https://github.com/orchestrator/orchestrator"
USER orchestrator:orchestrator
ENV ORCH_HTTP_HOST=0.0.0.0 ORCH_HTTP_PORT=8080
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=40s --retries=3 \
    CMD curl -fsS "http://127.0.0.1:${ORCH_HTTP_PORT}/health/ready" >/dev/null || exit 1
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/orchestrator-service"]
