#!/bin/sh
# azd preprovision hook (azure.yaml). The logic is in scripts/azd-hooks.mjs, shared with preprovision.ps1.
exec node "$(dirname "$0")/azd-hooks.mjs" preprovision
