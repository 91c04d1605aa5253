#!/usr/bin/env bash
# Restores the real Bicep CLI from NuGet (package Azure.Bicep.CommandLine.<rid>, which ships tools/bicep)
# with the machine's dotnet, and caches it as .tools/bin/bicep (+ .tools/bin/bicep.version).
# Prints the binary's path on stdout; exits 1 (with the restore error on stderr) when it cannot.
#
#   BICEP_VERSION=0.37.4 scripts/get-bicep.sh   # pin one version; default: the first of BICEP_VERSIONS
#   BICEP_BIN=/path/to/bicep scripts/get-bicep.sh   # use a Bicep CLI you already have
set -euo pipefail
cd "$(dirname "$0")/.."

export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 \
  DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
tools_dir="$PWD/.tools/bin"
cached="$tools_dir/bicep"

if [[ -n "${BICEP_BIN:-}" ]]; then
  [[ -x "$BICEP_BIN" ]] || { echo "get-bicep: BICEP_BIN=$BICEP_BIN is not executable" >&2; exit 1; }
  echo "$BICEP_BIN"
  exit 0
fi

# Newest first; the first one the package source serves wins. Override with BICEP_VERSION.
versions="${BICEP_VERSION:-${BICEP_VERSIONS:-0.49.2 0.48.1 0.47.16 0.38.33 0.37.4 0.36.177}}"

if [[ -x "$cached" ]]; then
  if [[ -z "${BICEP_VERSION:-}" || "$(cat "$cached.version" 2>/dev/null)" == "$BICEP_VERSION" ]]; then
    echo "$cached"
    exit 0
  fi
fi

if ! command -v dotnet >/dev/null 2>&1; then
  echo "get-bicep: dotnet is not installed; cannot restore Azure.Bicep.CommandLine from NuGet" >&2
  exit 1
fi

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) rid=linux-x64 ;;
  Linux-aarch64 | Linux-arm64) rid=linux-arm64 ;;
  Darwin-x86_64) rid=osx-x64 ;;
  Darwin-arm64) rid=osx-arm64 ;;
  *) echo "get-bicep: unsupported platform $(uname -s)-$(uname -m)" >&2; exit 1 ;;
esac
package="Azure.Bicep.CommandLine.$rid"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
framework="net$(dotnet --version | cut -d. -f1).0"
last_error=""
for version in $versions; do
  cat >"$work/restore.csproj" <<CSPROJ
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>$framework</TargetFramework>
  </PropertyGroup>
  <ItemGroup>
    <PackageDownload Include="$package" Version="[$version]" />
  </ItemGroup>
</Project>
CSPROJ
  if output="$(dotnet restore "$work/restore.csproj" --packages "$work/packages" 2>&1)"; then
    binary="$(find "$work/packages" -path "*/tools/bicep" -type f | head -n 1)"
    if [[ -n "$binary" ]]; then
      mkdir -p "$tools_dir"
      cp "$binary" "$cached"
      chmod +x "$cached"
      echo "$version" >"$cached.version"
      echo "get-bicep: restored $package $version -> .tools/bin/bicep" >&2
      echo "$cached"
      exit 0
    fi
    last_error="$package $version restored but contains no tools/bicep"
  else
    last_error="$(grep -E 'error' <<<"$output" | head -n 3)"
    echo "get-bicep: $package $version: ${last_error:-restore failed}" >&2
    # NU1101 = the source has no package with this id at all: no other version will do better.
    if grep -q NU1101 <<<"$output"; then break; fi
  fi
done

echo "get-bicep: could not restore $package (tried: $versions). Last error: $last_error" >&2
exit 1
