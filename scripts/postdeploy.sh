#!/bin/sh
# azd postdeploy hook (azure.yaml): phase two of `azd up`.
# The Event Grid subscriptions point at the onNetworkEvent function, which exists only once the code is
# deployed, so the first provision ran with CREATE_EVENT_SUBSCRIPTIONS=false. Here, after the deploy, we
# switch it on and provision again. Idempotent: once the flag is true there is nothing left to do
# (later `azd up` runs create/update the subscriptions in their normal provision step).
set -eu

current="$(azd env get-value CREATE_EVENT_SUBSCRIPTIONS 2>/dev/null || true)"
if [ "$current" = "true" ]; then
  echo "postdeploy: Event Grid subscriptions are already managed by provisioning (CREATE_EVENT_SUBSCRIPTIONS=true)."
  exit 0
fi

# Flex Consumption indexes the functions shortly after a deploy; an AzureFunction destination is
# validated when the event subscription is created. Wait until onNetworkEvent is listed (needs az),
# or give the host a fixed head start when az is not installed.
app="${AZURE_FUNCTION_APP_NAME:-}"
rg="${AZURE_RESOURCE_GROUP:-}"
if command -v az >/dev/null 2>&1 && [ -n "$app" ] && [ -n "$rg" ]; then
  tries=0
  until az functionapp function show --resource-group "$rg" --name "$app" --function-name onNetworkEvent \
    --query name --output tsv >/dev/null 2>&1; do
    tries=$((tries + 1))
    if [ "$tries" -ge 18 ]; then
      echo "postdeploy: onNetworkEvent is not listed on $app after 3 minutes; provisioning anyway." >&2
      break
    fi
    echo "postdeploy: waiting for $app to list onNetworkEvent ($tries/18)..."
    sleep 10
  done
else
  echo "postdeploy: az CLI not found; waiting 60 s for the function host to index the functions."
  sleep 60
fi

echo "postdeploy: creating the Event Grid subscriptions (azd provision with CREATE_EVENT_SUBSCRIPTIONS=true)."
azd env set CREATE_EVENT_SUBSCRIPTIONS true
azd provision --no-prompt
