#!/bin/sh
# azd postdeploy hook (azure.yaml). The logic is in scripts/azd-hooks.mjs, shared with postdeploy.ps1.
exec node "$(dirname "$0")/azd-hooks.mjs" postdeploy
