#!/usr/bin/env bash
# Thin wrapper over dotnet; the twin of build.ps1 for machines without PowerShell.
#   ./build.sh build | test | format | run | bench [scenario] | clean
#   ./build.sh docker-build | docker-up [workers] | docker-down | docker-e2e
set -euo pipefail
cd "$(dirname "$0")"
target="${1:-build}"
shift || true
# docker compose v2, else v1; docker/.env when present (see docker/.env.example)
compose() {
  local env=()
  [ -f docker/.env ] && env=(--env-file docker/.env)
  if docker compose version >/dev/null 2>&1; then docker compose -p jobs -f docker/docker-compose.yml "${env[@]}" "$@"
  else docker-compose -p jobs -f docker/docker-compose.yml "${env[@]}" "$@"; fi
}
case "$target" in
  build) dotnet build Actors.sln -c Release "$@" ;;
  test)  dotnet test Actors.sln "$@" ;;
  format) dotnet format Actors.sln "$@" ;;
  run)   dotnet run --project src/Cluster.Node "$@" ;;
  bench) dotnet run -c Release --project bench -- "${@:-all}" ;;
  clean) dotnet clean Actors.sln && rm -rf data ;;
  docker-build) docker build -f docker/Dockerfile -t "${JOBS_IMAGE:-jobs-node:latest}" "$@" . ;;
  docker-up)    compose up -d --build --scale worker="${1:-3}" ;;
  docker-down)  compose down "$@" ;;
  docker-e2e)   docker/e2e.sh ;;
  *) echo "usage: $0 build|test|format|run|bench|clean|docker-build|docker-up [workers]|docker-down [-v]|docker-e2e" >&2; exit 2 ;;
esac
