# catalog: the internal principal-signing key only (no tenant secrets, no PII).
path "duka/data/internal/principal-key" {
  capabilities = ["read"]
}
