# webhook-ingest: verifies callback URL tokens with the per-tenant callback key (read only).
path "duka/data/tenants/+/callback-key" {
  capabilities = ["read"]
}
