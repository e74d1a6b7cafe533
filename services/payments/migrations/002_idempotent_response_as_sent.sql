-- A replayed checkout must answer byte for byte what the first request was answered. jsonb reorders keys;
-- json keeps the text as written.
alter table payments.idempotency_keys alter column response_body type json using response_body::json;
