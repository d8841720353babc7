# launchready's container image. goreleaser builds it (dockers_v2 in .goreleaser.yaml)
# from the release's static linux binaries (CGO_ENABLED=0), which it puts in the build
# context as <os>/<arch>/launchready; `docker build .` on a checkout does not work,
# use `go tool goreleaser release --snapshot --clean` with docker buildx instead.
#
# distroless/static: no shell, no package manager; CA certificates (for the Cloudflare
# API and verify's HTTPS checks), tzdata and a non-root user (65532, "nonroot") only.
# Suitable for CI and for long-running `watch`:
#
#   docker run --rm -v "$PWD:/work" -e CLOUDFLARE_API_TOKEN ghcr.io/launchready/launchready plan
FROM gcr.io/distroless/static-debian12:nonroot

ARG TARGETPLATFORM
COPY $TARGETPLATFORM/launchready /usr/bin/launchready

# The mounted repository (launch.hcl, DNS-MAP.md, .launchready/) is the working directory.
WORKDIR /work
USER 65532:65532
ENTRYPOINT ["/usr/bin/launchready"]
CMD ["--help"]
