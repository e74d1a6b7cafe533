# notifications: decrypts recipients (phones, emails) to deliver; reads its channel credentials.
path "transit/decrypt/duka-pii" {
  capabilities = ["update"]
}
path "duka/data/notifications/channels/*" {
  capabilities = ["read"]
}
