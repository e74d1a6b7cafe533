# audit: encrypts PII in audit details.
path "transit/encrypt/duka-pii" {
  capabilities = ["update"]
}
