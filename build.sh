#!/usr/bin/env bash
# Thin wrapper over dotnet; the twin of build.ps1 for machines without PowerShell.
#   ./build.sh build | test | run | bench [scenario] | clean
set -euo pipefail
cd "$(dirname "$0")"
target="${1:-build}"
shift || true
case "$target" in
  build) dotnet build Actors.sln -c Release "$@" ;;
  test)  dotnet test Actors.sln "$@" ;;
  run)   dotnet run --project src/Cluster.Node "$@" ;;
  bench) dotnet run -c Release --project bench -- "${@:-all}" ;;
  clean) dotnet clean Actors.sln && rm -rf data ;;
  *) echo "usage: $0 build|test|run|bench|clean" >&2; exit 2 ;;
esac
