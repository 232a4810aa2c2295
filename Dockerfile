# syntax=docker/dockerfile:1
# The SharePanel gateway: a static binary (CGO_ENABLED=0; the embedded SQLite driver is pure Go) on a
# small Alpine base. Alpine rather than distroless/static because the container health check needs an
# HTTP client (busybox wget); the binary itself would run on distroless unchanged.
#
#   docker build -t sharepanel .
#   docker run -p 8080:8080 -v sharepanel-data:/data sharepanel      # embedded SQLite in /data
# With MariaDB and Redis: docker-compose.yml, and docs/DEPLOY.md.

ARG GO_VERSION=1.26
ARG ALPINE_VERSION=3.22

FROM golang:${GO_VERSION}-alpine AS build
WORKDIR /src
# Dependencies first: this layer is reused until go.mod or go.sum change.
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 GOOS=linux go build -trimpath -ldflags="-s -w" -o /out/sharepanel . \
 && /out/sharepanel help >/dev/null

FROM alpine:${ALPINE_VERSION}
RUN apk add --no-cache ca-certificates tzdata \
 && adduser -D -H -u 10001 -s /sbin/nologin sharepanel \
 && mkdir /data && chown sharepanel:sharepanel /data
COPY --from=build /out/sharepanel /usr/local/bin/sharepanel
USER 10001:10001
WORKDIR /data
# Defaults for a container: listen on all interfaces, JSON logs, SQLite in the /data volume.
# docker-compose.yml overrides the database and adds Redis.
ENV SHAREPANEL_ADDR=:8080 \
    SHAREPANEL_ADMIN_ADDR=:2087 \
    SHAREPANEL_DATABASE_URL=sqlite:///data/sharepanel.db \
    SHAREPANEL_LOG_FORMAT=json
VOLUME /data
# 8080 user API, 2087 admin API, 9090 metrics and pprof (only when SHAREPANEL_METRICS_ADDR=:9090).
EXPOSE 8080 2087 9090
# Liveness: the process answers. Readiness (database and Redis reachable) is /readyz.
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD wget -q -O /dev/null http://127.0.0.1:8080/healthz || exit 1
# SIGTERM (docker stop) makes the gateway stop accepting, finish requests in flight and write
# buffered usage (or spool it to SHAREPANEL_SPOOL_DIR, by default the working directory /data, when
# the database cannot take it) within SHAREPANEL_SHUTDOWN_TIMEOUT, whatever the dependencies do.
STOPSIGNAL SIGTERM
ENTRYPOINT ["sharepanel"]
CMD ["serve"]
