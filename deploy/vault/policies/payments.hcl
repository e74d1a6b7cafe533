# payments: tenant M-Pesa credentials (read only), and Transit for PII and key wrapping.
path "duka/data/tenants/+/mpesa" {
  capabilities = ["read"]
}
path "transit/encrypt/duka-pii" {
  capabilities = ["update"]
}
path "transit/decrypt/duka-pii" {
  capabilities = ["update"]
}
