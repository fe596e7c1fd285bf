#!/usr/bin/env pwsh
# Thin wrapper over dotnet.   ./build.ps1 build | test | run | bench | clean
param([ValidateSet('build', 'test', 'run', 'bench', 'clean')][string]$Target = 'build',
      [Parameter(ValueFromRemainingArguments = $true)][string[]]$Rest)
$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot
switch ($Target) {
    'build' { dotnet build Actors.sln -c Release @Rest }
    'test'  { dotnet test Actors.sln @Rest }
    'run'   { dotnet run --project src/Cluster.Node @Rest }
    'bench' { if ($Rest) { dotnet run -c Release --project bench -- @Rest } else { dotnet run -c Release --project bench -- all } }
    'clean' { dotnet clean Actors.sln; Remove-Item -Recurse -Force data -ErrorAction SilentlyContinue }
}
exit $LASTEXITCODE
