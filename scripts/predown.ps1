# azd predown hook (azure.yaml), Windows. The logic is in scripts/azd-hooks.mjs, shared with predown.sh.
$ErrorActionPreference = 'Stop'
& node (Join-Path $PSScriptRoot 'azd-hooks.mjs') predown
exit $LASTEXITCODE
