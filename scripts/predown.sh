#!/bin/sh
# azd predown hook (azure.yaml). The logic is in scripts/azd-hooks.mjs, shared with predown.ps1.
exec node "$(dirname "$0")/azd-hooks.mjs" predown
