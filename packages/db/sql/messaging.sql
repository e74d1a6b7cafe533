-- Transactional outbox and consumer inbox for one service schema ({{schema}}), DESIGN §4.
-- Both are tenant data: RLS forced like every business table.

create table {{schema}}.outbox (
  id uuid primary key,
  tenant_id uuid not null,
  subject text not null,
  event_type text not null,
  payload bytea not null,
  headers jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  published_at timestamptz
);
create index outbox_tenant_pending on {{schema}}.outbox (tenant_id, created_at) where published_at is null;
alter table {{schema}}.outbox enable row level security;
alter table {{schema}}.outbox force row level security;
create policy tenant_isolation on {{schema}}.outbox
  using (tenant_id = app.current_tenant()) with check (tenant_id = app.current_tenant());

create table {{schema}}.inbox (
  tenant_id uuid not null,
  consumer text not null,
  event_id text not null,
  handled_at timestamptz not null default now(),
  primary key (tenant_id, consumer, event_id)
);
alter table {{schema}}.inbox enable row level security;
alter table {{schema}}.inbox force row level security;
create policy tenant_isolation on {{schema}}.inbox
  using (tenant_id = app.current_tenant()) with check (tenant_id = app.current_tenant());

grant select, insert, update on {{schema}}.outbox to {{role}};
grant select, insert on {{schema}}.inbox to {{role}};

-- The relay's catch-up sweep must find unpublished rows of every tenant. This definer function reveals only
-- (id, tenant_id) pairs; the relay then reads and publishes each row inside withTenant.
create function {{schema}}.outbox_pending(max_rows int)
returns table (id uuid, tenant_id uuid)
language sql stable security definer set search_path = pg_catalog
as $$
  select o.id, o.tenant_id from {{schema}}.outbox o
  where o.published_at is null and o.created_at < now() - interval '2 seconds'
  order by o.created_at limit max_rows
$$;
grant select on {{schema}}.outbox to duka_definer;
alter function {{schema}}.outbox_pending(int) owner to duka_definer;
revoke all on function {{schema}}.outbox_pending(int) from public;
grant execute on function {{schema}}.outbox_pending(int) to {{role}};
