# syntax=docker/dockerfile:1
# Build stage: compile the release binary.
FROM rust:1.95-slim-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock build.rs ./
COPY src ./src
COPY migrations ./migrations
COPY assets ./assets
RUN cargo build --release --locked

# Run stage: Debian slim with Chromium for Ad Library captures, fonts with
# Cyrillic for PDFs and charts, and the PostgreSQL client for operators.
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      ca-certificates chromium chromium-driver fonts-dejavu-core postgresql-client tini \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --create-home --home-dir /var/lib/ppc-helper --uid 10001 ppc
COPY --from=build /src/target/release/ppc-helper /usr/local/bin/ppc-helper
COPY config.example.json /etc/ppc-helper/config.example.json
USER ppc
WORKDIR /var/lib/ppc-helper
EXPOSE 8080
# Set database.url (or DATABASE_URL) to a PostgreSQL server; http.listen to 0.0.0.0:8080.
ENTRYPOINT ["/usr/bin/tini", "--", "ppc-helper"]
CMD ["run", "--config", "/etc/ppc-helper/config.json"]
