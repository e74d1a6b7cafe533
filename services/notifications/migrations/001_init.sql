-- Notifications (DESIGN §2, §8): per-tenant templates and a record of every delivery.
-- Recipients are stored encrypted (tenant key) and masked; bodies never contain the recipient.

create table notifications.templates (
  tenant_id  uuid        not null,
  key        text        not null check (key ~ '^[a-z0-9_.-]{1,64}$'),
  -- A delivery channel (log, whatsapp, sms) or 'any'.
  channel    text        not null check (channel in ('any', 'log', 'whatsapp', 'sms')),
  body       text        not null check (length(body) between 1 and 1000),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, key, channel)
);
alter table notifications.templates enable row level security;
alter table notifications.templates force row level security;
create policy tenant_isolation on notifications.templates
  using (tenant_id = app.current_tenant()) with check (tenant_id = app.current_tenant());

create table notifications.deliveries (
  id                   uuid        not null,
  tenant_id            uuid        not null,
  -- The event or command that asked for this delivery; unique so a redelivery makes no second message.
  event_id             text        not null,
  payment_id           text,
  channel              text        not null check (channel in ('log', 'whatsapp', 'sms')),
  template             text        not null,
  recipient_ciphertext text        not null,
  recipient_masked     text        not null,
  body                 text        not null,
  -- pending: recorded, not yet sent; sending: an attempt is in flight; retrying: the last attempt failed and
  -- another will follow; sent / failed: final.
  status               text        not null check (status in ('pending', 'sending', 'retrying', 'sent', 'failed')),
  error                text,
  attempts             int         not null default 0,
  provider_message_id  text,
  -- Whole milliseconds: the listing's keyset cursor carries them exactly.
  created_at           timestamptz not null default date_trunc('milliseconds', now()),
  updated_at           timestamptz not null default date_trunc('milliseconds', now()),
  primary key (tenant_id, id),
  unique (tenant_id, event_id)
);
create index deliveries_tenant_created on notifications.deliveries (tenant_id, created_at desc, id desc);
alter table notifications.deliveries enable row level security;
alter table notifications.deliveries force row level security;
create policy tenant_isolation on notifications.deliveries
  using (tenant_id = app.current_tenant()) with check (tenant_id = app.current_tenant());

grant select on notifications.templates to {{role}};
grant select, insert, update on notifications.deliveries to {{role}};
