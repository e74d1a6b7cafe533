-- The sweep takes the oldest expired holds first, so one that keeps failing cannot starve the rest.
create or replace function catalog.expired_holds(max_rows int)
returns table (payment_id uuid, tenant_id uuid)
language sql stable security definer set search_path = pg_catalog
as $$
  select h.payment_id, h.tenant_id from catalog.stock_holds h
  where h.state = 'held' and h.expires_at < now()
  group by h.payment_id, h.tenant_id
  order by min(h.expires_at)
  limit max_rows
$$;
