#!/usr/bin/env bash
# Checks infra/ with the real Bicep compiler: `bicep build` (to a temp dir) and `bicep lint` must report
# zero errors AND zero warnings (infra/bicepconfig.json raises the important linter rules to error; any
# remaining warning fails here too).
#
# Without the compiler (scripts/get-bicep.sh cannot restore it: no dotnet, or the NuGet source lacks
# Azure.Bicep.CommandLine.<rid>) it falls back, loudly, to the tree-sitter-bicep syntax and convention
# check (test/integration/infra/syntax-check.ts). Set REQUIRE_BICEP=1 to fail instead of falling back.
#
# Needs node_modules (npm ci) for the fallback. CI: `bash scripts/check-infra.sh` after `npm ci`.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1

if bicep="$(scripts/get-bicep.sh)"; then
  echo "check-infra: $("$bicep" --version 2>&1 | head -n 1)"
  out="$(mktemp -d)"
  trap 'rm -rf "$out"' EXIT
  status=0

  "$bicep" build infra/main.bicep --outfile "$out/main.json" >"$out/build.log" 2>&1 || status=1
  "$bicep" lint infra/main.bicep >"$out/lint.log" 2>&1 || status=1
  # Modules are linted through main.bicep's build; lint each one too so unused params etc. surface.
  for module in infra/modules/*.bicep; do
    "$bicep" lint "$module" >>"$out/lint.log" 2>&1 || status=1
  done

  cat "$out/build.log" "$out/lint.log"
  diagnostics="$(grep -E '\) : (Error|Warning) ' "$out/build.log" "$out/lint.log" || true)"
  if [[ -n "$diagnostics" ]]; then
    count="$(wc -l <<<"$diagnostics")"
    echo "check-infra: FAILED: $count error(s)/warning(s) from bicep build/lint (warnings count as failures)" >&2
    exit 1
  fi
  if [[ "$status" -ne 0 || ! -s "$out/main.json" ]]; then
    echo "check-infra: FAILED: bicep exited non-zero" >&2
    exit 1
  fi
  echo "check-infra: OK: infra/main.bicep builds and lints with zero errors and zero warnings"
  exit 0
fi

if [[ "${REQUIRE_BICEP:-0}" == "1" ]]; then
  echo "check-infra: FAILED: the Bicep CLI is required (REQUIRE_BICEP=1) but could not be restored" >&2
  exit 1
fi

cat >&2 <<'MSG'
check-infra: WARNING ================================================================================
check-infra: WARNING  The Bicep CLI could not be restored (see get-bicep's error above), so infra/ is
check-infra: WARNING  NOT compiled or linted. Falling back to a tree-sitter-bicep SYNTAX check only:
check-infra: WARNING  no type, scope, API-version or linter checking. Run with the compiler before merging
check-infra: WARNING  infra changes (BICEP_BIN=/path/to/bicep scripts/check-infra.sh).
check-infra: WARNING ================================================================================
MSG
npx --no-install tsx test/integration/infra/syntax-check.ts
