# identity: PII encryption (phones, emails) and wrapping of per-tenant signing keys through Transit.
path "transit/encrypt/duka-pii" {
  capabilities = ["update"]
}
path "transit/decrypt/duka-pii" {
  capabilities = ["update"]
}
path "transit/encrypt/duka-signing" {
  capabilities = ["update"]
}
path "transit/decrypt/duka-signing" {
  capabilities = ["update"]
}
