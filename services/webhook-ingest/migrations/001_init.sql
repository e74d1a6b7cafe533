-- webhooks: the inbox of M-Pesa callbacks (DESIGN §2, §7). The raw body is kept byte for byte; payments reads it
-- from the MPESA stream. RLS enabled AND forced like every business table.

create table webhooks.callbacks (
  id uuid not null,
  tenant_id uuid not null,
  kind text not null check (kind in ('stk', 'c2b', 'b2c', 'reversal', 'status')),
  -- The payment intent named in the callback URL (STK); null for kinds that carry none.
  intent_id uuid,
  -- sha256 (hex) of CheckoutRequestID: it ends with the shopper's phone number, so the raw value is not stored
  -- outside raw_body.
  checkout_request_id_hash text,
  -- sha256 (hex) of the raw body: a byte-identical redelivery reuses the first row.
  dedupe_key text not null,
  raw_body bytea not null,
  received_at timestamptz not null default now(),
  source_ip inet not null,
  primary key (tenant_id, id),
  constraint callbacks_dedupe unique (tenant_id, kind, dedupe_key)
);

create index callbacks_tenant_checkout on webhooks.callbacks (tenant_id, checkout_request_id_hash);
create index callbacks_tenant_received on webhooks.callbacks (tenant_id, received_at);

alter table webhooks.callbacks enable row level security;
alter table webhooks.callbacks force row level security;
create policy tenant_isolation on webhooks.callbacks
  using (tenant_id = app.current_tenant()) with check (tenant_id = app.current_tenant());

-- The inbox is append-only for the service: no update, no delete.
grant select, insert on webhooks.callbacks to {{role}};
