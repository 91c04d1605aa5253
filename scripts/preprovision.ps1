# azd preprovision hook (azure.yaml), Windows. The logic is in scripts/azd-hooks.mjs, shared with preprovision.sh.
$ErrorActionPreference = 'Stop'
& node (Join-Path $PSScriptRoot 'azd-hooks.mjs') preprovision
exit $LASTEXITCODE
