-- Audit log (DESIGN §4, §8): append-only, hash-chained per tenant.
-- The service role may only INSERT and SELECT; a trigger refuses UPDATE, DELETE and TRUNCATE even for roles that
-- were granted more by mistake (defence in depth). Only a superuser disabling triggers can rewrite history, and
-- GET /v1/audit/verify then reports where the chain breaks.

create table audit.entries (
  tenant_id   uuid        not null,
  seq         bigint      not null check (seq > 0),
  event_id    text        not null,
  action      text        not null,
  actor_kind  text        not null,
  actor_id    text        not null,
  actor_role  text        not null,
  target_type text        not null,
  target_id   text        not null,
  source_ip   text        not null,
  request_id  text        not null,
  occurred_at timestamptz not null,
  recorded_at timestamptz not null,
  data        jsonb       not null,
  prev_hash   text        not null,
  hash        text        not null,
  primary key (tenant_id, seq),
  -- A redelivered event (same id) changes nothing.
  unique (tenant_id, event_id)
);
create index entries_tenant_action_seq on audit.entries (tenant_id, action, seq desc);

alter table audit.entries enable row level security;
alter table audit.entries force row level security;
create policy tenant_isolation on audit.entries
  using (tenant_id = app.current_tenant()) with check (tenant_id = app.current_tenant());

create function audit.refuse_change() returns trigger
language plpgsql set search_path = pg_catalog
as $$
begin
  raise exception 'audit.entries is append-only (% refused)', tg_op using errcode = 'insufficient_privilege';
end
$$;
create trigger entries_append_only before update or delete on audit.entries
  for each row execute function audit.refuse_change();
create trigger entries_no_truncate before truncate on audit.entries
  for each statement execute function audit.refuse_change();

revoke all on audit.entries from {{role}};
grant select, insert on audit.entries to {{role}};
