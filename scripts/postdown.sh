#!/bin/sh
# azd postdown hook (azure.yaml). The logic is in scripts/azd-hooks.mjs, shared with postdown.ps1.
exec node "$(dirname "$0")/azd-hooks.mjs" postdown
