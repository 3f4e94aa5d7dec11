# prismd and the tools, built with the official Swift image on Debian 12, as docker-compose.yml runs them.
#   docker build -t prism .
#   docker run --rm -p 8980:8980 -p 9464:9464 prism      (the embedded default: SQLite + in-process)
FROM swift:6.1-bookworm AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends pkg-config libsqlite3-dev libhiredis-dev libnats-dev libncurses-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Package.swift first, so the dependency fetch is cached until it changes.
COPY Package.swift ./
RUN swift package resolve
# SwiftPM wants every declared target's folder, tests included, even to build one product.
COPY Sources ./Sources
COPY Plugins ./Plugins
COPY scripts/build-info.sh ./scripts/build-info.sh
COPY Tests ./Tests
RUN for product in prismd prism prism-top prism-iot-sim; do \
        swift build -c release --product "$product" || exit 1; \
    done \
    && bin="$(swift build -c release --show-bin-path)" \
    && install -m 0755 "$bin/prismd" "$bin/prism" "$bin/prism-top" "$bin/prism-iot-sim" /usr/local/bin/

FROM swift:6.1-bookworm-slim
# The shared libraries the C modules link, and curl for the health check.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libsqlite3-0 libhiredis0.14 libnats3.4 libncursesw6 curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --create-home --home-dir /var/lib/prism prism
COPY --from=build /usr/local/bin/prismd /usr/local/bin/prism /usr/local/bin/prism-top /usr/local/bin/prism-iot-sim \
    /usr/local/bin/
USER prism
WORKDIR /var/lib/prism
EXPOSE 8980 9464
HEALTHCHECK --interval=5s --timeout=3s --retries=5 CMD curl -fsS http://127.0.0.1:9464/readyz || exit 1
ENTRYPOINT ["prismd"]
CMD ["--listen", "0.0.0.0:8980", "--http", "0.0.0.0:9464", "--data-dir", "/var/lib/prism"]
