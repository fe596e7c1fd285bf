#!/usr/bin/env pwsh
# Thin wrapper over dotnet.   ./build.ps1 build | test | format | run | bench | clean
#                             ./build.ps1 docker-build | docker-up [workers] | docker-down [-v] | docker-e2e
param([ValidateSet('build', 'test', 'format', 'run', 'bench', 'clean', 'docker-build', 'docker-up', 'docker-down', 'docker-e2e')][string]$Target = 'build',
      [Parameter(ValueFromRemainingArguments = $true)][string[]]$Rest)
$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot
# docker compose v2, else v1; docker/.env when present (see docker/.env.example)
function Invoke-Compose([string[]]$ComposeArgs) {
    $envFile = if (Test-Path docker/.env) { @('--env-file', 'docker/.env') } else { @() }
    docker compose version *> $null
    if ($LASTEXITCODE -eq 0) { docker compose -p jobs -f docker/docker-compose.yml @envFile @ComposeArgs }
    else { docker-compose -p jobs -f docker/docker-compose.yml @envFile @ComposeArgs }
}
switch ($Target) {
    'build' { dotnet build Actors.sln -c Release @Rest }
    'test'  { dotnet test Actors.sln @Rest }
    'format' { dotnet format Actors.sln @Rest }
    'run'   { dotnet run --project src/Cluster.Node @Rest }
    'bench' { if ($Rest) { dotnet run -c Release --project bench -- @Rest } else { dotnet run -c Release --project bench -- all } }
    'clean' { dotnet clean Actors.sln; Remove-Item -Recurse -Force data -ErrorAction SilentlyContinue }
    'docker-build' { $image = if ($env:JOBS_IMAGE) { $env:JOBS_IMAGE } else { 'jobs-node:latest' }; docker build -f docker/Dockerfile -t $image @Rest . }
    'docker-up'    { $workers = if ($Rest) { $Rest[0] } else { '3' }; Invoke-Compose @('up', '-d', '--build', '--scale', "worker=$workers") }
    'docker-down'  { Invoke-Compose (@('down') + @($Rest | Where-Object { $_ })) }
    'docker-e2e'   { bash docker/e2e.sh }
}
exit $LASTEXITCODE
