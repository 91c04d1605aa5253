#!/usr/bin/env bash
# Restores PowerShell 7 (the `PowerShell` .NET global tool from NuGet) into .tools/pwsh and prints the
# path of pwsh. Used by the tests of the Windows hook scripts (scripts/*.ps1) on Linux CI. 7.6.10 is
# pinned: 7.7.0 does not install as a tool here. Fails (exit 1) when dotnet is not installed.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
pwsh=".tools/pwsh/pwsh"
if [[ ! -x "$pwsh" ]]; then
  if ! command -v dotnet >/dev/null 2>&1; then
    echo "get-pwsh: dotnet is not installed; cannot restore PowerShell" >&2
    exit 1
  fi
  dotnet tool install --tool-path .tools/pwsh PowerShell --version 7.6.10 >&2
fi
echo "$PWD/$pwsh"
