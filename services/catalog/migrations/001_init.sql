-- catalog: products (DESIGN §4). Every row belongs to one tenant; RLS is enabled AND forced so even the table
-- owner sees nothing without `app.current_tenant` set by withTenant.

create table catalog.products (
  id uuid not null,
  tenant_id uuid not null,
  name text not null check (char_length(name) between 1 and 200),
  price_cents integer not null check (price_cents > 0),
  currency text not null default 'KES' check (currency = 'KES'),
  published boolean not null default false,
  -- null = unlimited. Not reserved by quotes: payments re-checks through the quote at checkout.
  stock integer check (stock is null or stock >= 0),
  -- Millisecond precision: the keyset cursor carries (created_at, id) as epoch ms, which must round-trip exactly.
  created_at timestamptz not null default date_trunc('milliseconds', now()),
  updated_at timestamptz not null default date_trunc('milliseconds', now()),
  primary key (tenant_id, id)
);

-- Keyset pagination for owner listings and the storefront (published only).
create index products_tenant_created on catalog.products (tenant_id, created_at, id);
create index products_tenant_published_created on catalog.products (tenant_id, created_at, id) where published;

alter table catalog.products enable row level security;
alter table catalog.products force row level security;
create policy tenant_isolation on catalog.products
  using (tenant_id = app.current_tenant()) with check (tenant_id = app.current_tenant());

-- Products are never deleted by the service (unpublish instead).
grant select, insert, update on catalog.products to {{role}};
