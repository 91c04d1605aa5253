# azd postdeploy hook (azure.yaml), Windows: phase two of `azd up`. Same steps as postdeploy.sh:
# the Event Grid subscriptions need the deployed onNetworkEvent function, so after the first deploy we
# set CREATE_EVENT_SUBSCRIPTIONS=true and provision again. Idempotent.
$ErrorActionPreference = 'Stop'

$current = (azd env get-value CREATE_EVENT_SUBSCRIPTIONS 2>$null)
if ($LASTEXITCODE -eq 0 -and $current -eq 'true') {
    Write-Host 'postdeploy: Event Grid subscriptions are already managed by provisioning (CREATE_EVENT_SUBSCRIPTIONS=true).'
    exit 0
}

$app = $env:AZURE_FUNCTION_APP_NAME
$rg = $env:AZURE_RESOURCE_GROUP
if ((Get-Command az -ErrorAction SilentlyContinue) -and $app -and $rg) {
    for ($try = 1; $try -le 18; $try++) {
        az functionapp function show --resource-group $rg --name $app --function-name onNetworkEvent --query name --output tsv *> $null
        if ($LASTEXITCODE -eq 0) { break }
        if ($try -eq 18) {
            Write-Warning "postdeploy: onNetworkEvent is not listed on $app after 3 minutes; provisioning anyway."
            break
        }
        Write-Host "postdeploy: waiting for $app to list onNetworkEvent ($try/18)..."
        Start-Sleep -Seconds 10
    }
}
else {
    Write-Host 'postdeploy: az CLI not found; waiting 60 s for the function host to index the functions.'
    Start-Sleep -Seconds 60
}

Write-Host 'postdeploy: creating the Event Grid subscriptions (azd provision with CREATE_EVENT_SUBSCRIPTIONS=true).'
azd env set CREATE_EVENT_SUBSCRIPTIONS true
if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
azd provision --no-prompt
exit $LASTEXITCODE
