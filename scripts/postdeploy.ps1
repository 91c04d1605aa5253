# azd postdeploy hook (azure.yaml), Windows. The logic is in scripts/azd-hooks.mjs, shared with postdeploy.sh.
$ErrorActionPreference = 'Stop'
& node (Join-Path $PSScriptRoot 'azd-hooks.mjs') postdeploy
exit $LASTEXITCODE
