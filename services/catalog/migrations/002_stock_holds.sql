-- Stock held for payments in progress, so two shoppers cannot both buy the last unit.
-- A hold starts short (the checkout has not committed its payment yet), is extended when the payment exists
-- (payments.payment.created), becomes `sold` when it succeeds and `released` (stock given back) when it fails,
-- or when it expires unconfirmed.
create table catalog.stock_holds (
  tenant_id uuid not null,
  payment_id uuid not null,
  product_id uuid not null,
  quantity integer not null check (quantity > 0),
  state text not null default 'held' check (state in ('held', 'sold', 'released')),
  expires_at timestamptz not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, payment_id, product_id),
  foreign key (tenant_id, product_id) references catalog.products (tenant_id, id)
);
create index stock_holds_expiring on catalog.stock_holds (tenant_id, expires_at) where state = 'held';
alter table catalog.stock_holds enable row level security;
alter table catalog.stock_holds force row level security;
create policy tenant_isolation on catalog.stock_holds
  using (tenant_id = app.current_tenant()) with check (tenant_id = app.current_tenant());
grant select, insert, update on catalog.stock_holds to {{role}};

-- The release sweep must find expired holds of every tenant: (payment_id, tenant_id) pairs only.
create function catalog.expired_holds(max_rows int)
returns table (payment_id uuid, tenant_id uuid)
language sql stable security definer set search_path = pg_catalog
as $$
  select distinct h.payment_id, h.tenant_id from catalog.stock_holds h
  where h.state = 'held' and h.expires_at < now()
  limit max_rows
$$;
grant select on catalog.stock_holds to duka_definer;
alter function catalog.expired_holds(int) owner to duka_definer;
revoke all on function catalog.expired_holds(int) from public;
grant execute on function catalog.expired_holds(int) to {{role}};
