# gateway: the internal principal-signing key only.
path "duka/data/internal/principal-key" {
  capabilities = ["read"]
}
