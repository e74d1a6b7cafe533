-- payments: orders, their lines, payment intents and checkout idempotency keys (DESIGN §4, §7).
-- Every table is tenant data: tenant_id, RLS enabled and forced, policy tenant_isolation, indexes lead with tenant_id.

create table payments.orders (
  id uuid primary key,
  tenant_id uuid not null,
  -- Short reference shown to the payer as the STK AccountReference (Daraja allows at most 12 characters).
  ref text not null check (ref ~ '^[A-Z0-9]{1,12}$'),
  amount_cents bigint not null check (amount_cents > 0),
  currency text not null check (currency = 'KES'),
  -- Payer phone, envelope-encrypted with the tenant key (never plaintext at rest, DESIGN §8).
  phone_ciphertext text not null,
  created_at timestamptz not null default now()
);
create unique index orders_tenant_ref on payments.orders (tenant_id, ref);
create index orders_tenant_created on payments.orders (tenant_id, created_at desc);

create table payments.order_lines (
  tenant_id uuid not null,
  order_id uuid not null references payments.orders (id),
  line_no int not null check (line_no >= 1),
  product_id uuid not null,
  name text not null,
  quantity int not null check (quantity between 1 and 100),
  unit_price_cents bigint not null check (unit_price_cents >= 0),
  line_total_cents bigint not null check (line_total_cents = unit_price_cents * quantity),
  primary key (tenant_id, order_id, line_no)
);

create table payments.payment_intents (
  id uuid primary key,
  tenant_id uuid not null,
  order_id uuid not null references payments.orders (id),
  status text not null default 'requires_payment'
    check (status in ('requires_payment', 'processing', 'succeeded', 'failed', 'cancelled', 'expired')),
  amount_cents bigint not null check (amount_cents > 0 and amount_cents % 100 = 0),
  currency text not null check (currency = 'KES'),
  phone_ciphertext text not null,
  merchant_request_id text,
  -- CheckoutRequestID ends with the payer's number: stored encrypted, compared through a keyed blind index.
  checkout_request_ciphertext text,
  checkout_request_index text,
  result_code text,
  failure_reason text,
  receipt_ciphertext text,
  receipt_masked text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  settled_at timestamptz
);
create index payment_intents_tenant_order on payments.payment_intents (tenant_id, order_id);
create index payment_intents_tenant_status on payments.payment_intents (tenant_id, status, created_at);
create unique index payment_intents_tenant_checkout on payments.payment_intents (tenant_id, checkout_request_index)
  where checkout_request_index is not null;
-- The reconciliation sweep looks across tenants for open intents (through the definer function below).
create index payment_intents_open on payments.payment_intents (tenant_id, created_at)
  where status in ('requires_payment', 'processing');

create table payments.idempotency_keys (
  tenant_id uuid not null,
  scope text not null,
  key text not null check (length(key) between 1 and 255),
  -- SHA-256 (hex) of the canonical request: the same key with another body is refused.
  request_hash text not null,
  state text not null check (state in ('in_flight', 'completed')),
  -- Deferred: the key is claimed first in the checkout transaction, before the intent row exists.
  intent_id uuid references payments.payment_intents (id) deferrable initially deferred,
  response_status int,
  response_body jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, scope, key),
  check (state = 'in_flight' or (response_status is not null and response_body is not null))
);

alter table payments.orders enable row level security;
alter table payments.orders force row level security;
create policy tenant_isolation on payments.orders
  using (tenant_id = app.current_tenant()) with check (tenant_id = app.current_tenant());

alter table payments.order_lines enable row level security;
alter table payments.order_lines force row level security;
create policy tenant_isolation on payments.order_lines
  using (tenant_id = app.current_tenant()) with check (tenant_id = app.current_tenant());

alter table payments.payment_intents enable row level security;
alter table payments.payment_intents force row level security;
create policy tenant_isolation on payments.payment_intents
  using (tenant_id = app.current_tenant()) with check (tenant_id = app.current_tenant());

alter table payments.idempotency_keys enable row level security;
alter table payments.idempotency_keys force row level security;
create policy tenant_isolation on payments.idempotency_keys
  using (tenant_id = app.current_tenant()) with check (tenant_id = app.current_tenant());

grant select, insert on payments.orders to {{role}};
grant select, insert on payments.order_lines to {{role}};
grant select, insert, update on payments.payment_intents to {{role}};
grant select, insert, update on payments.idempotency_keys to {{role}};

-- Reconciliation must find open intents of every tenant. This definer function reveals only (id, tenant_id)
-- pairs; the worker then reads and settles each intent inside withTenant.
--   processing intents older than settle_after_ms (their callback is late: ask Daraja), and
--   requires_payment/processing intents older than ttl_ms (to expire when Daraja has no final answer).
--   only_tenant (nullable) limits a pass to one tenant (operators, tests).
create function payments.reconcile_candidates(settle_after_ms bigint, ttl_ms bigint, max_rows int, only_tenant uuid)
returns table (id uuid, tenant_id uuid)
language sql stable security definer set search_path = pg_catalog
as $$
  select i.id, i.tenant_id from payments.payment_intents i
  where (only_tenant is null or i.tenant_id = only_tenant)
    and ((i.status = 'processing' and i.created_at < now() - make_interval(secs => settle_after_ms / 1000.0))
     or (i.status in ('requires_payment', 'processing') and i.created_at < now() - make_interval(secs => ttl_ms / 1000.0)))
  order by i.created_at
  limit max_rows
$$;
grant select on payments.payment_intents to duka_definer;
alter function payments.reconcile_candidates(bigint, bigint, int, uuid) owner to duka_definer;
revoke all on function payments.reconcile_candidates(bigint, bigint, int, uuid) from public;
grant execute on function payments.reconcile_candidates(bigint, bigint, int, uuid) to {{role}};
