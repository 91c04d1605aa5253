# azd postdown hook (azure.yaml), Windows. The logic is in scripts/azd-hooks.mjs, shared with postdown.sh.
$ErrorActionPreference = 'Stop'
& node (Join-Path $PSScriptRoot 'azd-hooks.mjs') postdown
exit $LASTEXITCODE
