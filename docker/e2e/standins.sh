#!/usr/bin/env bash
# Local stand-ins for the registry images the deployment uses, for a machine that reaches no
# image registry (sourced by docker/e2e.sh; also runnable alone).
#   jobs-e2e/debian:bookworm  debootstrap --variant=minbase (+ ICU, tzdata, CA certificates) + docker import
#   jobs-e2e/sdk:10.0         that base + this machine's .NET SDK       (for SDK_IMAGE)
#   jobs-e2e/aspnet:10.0      that base + this machine's .NET runtimes  (for RUNTIME_IMAGE)
#   jobs-e2e/postgres:15      that base + Debian's postgresql-15 + an entrypoint honouring the
#                             official image's POSTGRES_* variables
# Each image is made only when missing (E2E_REBUILD_STANDINS=1 remakes them).
set -Eeuo pipefail

STANDIN_BASE=jobs-e2e/debian:bookworm
STANDIN_SDK=jobs-e2e/sdk:10.0
STANDIN_RUNTIME=jobs-e2e/aspnet:10.0
STANDIN_POSTGRES=jobs-e2e/postgres:15

standins_have() { [ "${E2E_REBUILD_STANDINS:-0}" != 1 ] && docker image inspect "$1" >/dev/null 2>&1; }

standins_make() {
  local work=$1 here mirror dotnet_dir rootfs
  here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
  mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
  dotnet_dir=$(dirname "$(readlink -f "$(command -v dotnet)")")
  rootfs=$work/rootfs

  if ! standins_have "$STANDIN_BASE" || ! standins_have "$STANDIN_SDK" || ! standins_have "$STANDIN_RUNTIME"; then
    echo "stand-ins: debootstrap bookworm (minbase) from $mirror"
    debootstrap --variant=minbase --include=ca-certificates,libicu72,tzdata bookworm "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 \
      || { tail -n 20 "$work/debootstrap.log"; return 1; }
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
    # The machine's own trust store: its egress to NuGet/Debian may go through a TLS-inspecting proxy.
    cp /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/ca-certificates.crt"
    tar -C "$rootfs" -c . | docker import -c 'CMD ["/bin/bash"]' - "$STANDIN_BASE" >/dev/null
    echo "stand-ins: $STANDIN_BASE imported"

    ln -s /usr/share/dotnet/dotnet "$rootfs/usr/bin/dotnet"
    local env=(-c 'ENV DOTNET_ROOT=/usr/share/dotnet' -c 'ENV DOTNET_NOLOGO=1' -c 'ENV DOTNET_CLI_TELEMETRY_OPTOUT=1'
               -c 'ENV DOTNET_RUNNING_IN_CONTAINER=true' -c 'CMD ["/bin/bash"]')
    # the base rootfs plus the machine's .NET folder as /usr/share/dotnet, minus the given subfolders
    local d; d=$(basename "$dotnet_dir")
    with_dotnet() {
      local skip=() sub
      for sub in "$@"; do skip+=(--exclude="$d/$sub"); done
      tar -c -C "$rootfs" . -C "$(dirname "$dotnet_dir")" --transform "s,^$d,usr/share/dotnet," "${skip[@]}" "$d"
    }
    with_dotnet | docker import "${env[@]}" -c 'ENV NUGET_CERT_REVOCATION_MODE=offline' - "$STANDIN_SDK" >/dev/null
    echo "stand-ins: $STANDIN_SDK imported (SDK from $dotnet_dir)"
    with_dotnet sdk sdk-manifests packs templates library-packs | docker import "${env[@]}" - "$STANDIN_RUNTIME" >/dev/null
    echo "stand-ins: $STANDIN_RUNTIME imported (runtimes only)"
    rm -rf "$rootfs"
  fi

  if ! standins_have "$STANDIN_POSTGRES"; then
    docker build -q --network host --build-arg BASE_IMAGE="$STANDIN_BASE" -t "$STANDIN_POSTGRES" "$here/postgres" >/dev/null
    echo "stand-ins: $STANDIN_POSTGRES built"
  fi
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  work=$(mktemp -d /tmp/jobs-standins.XXXXXX)
  trap 'rm -rf "$work"' EXIT
  standins_make "$work"
fi
