-- identity: tenants, users, per-tenant signing keys, sessions and their rotating refresh tokens (DESIGN §4, §6).
-- Every table carries tenant_id with RLS enabled and forced; the service role gets only what identity's code does.

-- A tenant row is its own tenant: tenant_id = id, so the same policy shape applies.
create table identity.tenants (
  id uuid primary key,
  tenant_id uuid not null check (tenant_id = id),
  slug text not null check (slug ~ '^[a-z0-9](?:[a-z0-9-]{1,30}[a-z0-9])$'),
  name text not null check (char_length(name) between 1 and 200),
  created_at timestamptz not null default now()
);
-- Slugs are unique across tenants (they become hostnames). A unique index is enforced whatever RLS hides, which is
-- what lets signup detect a taken slug without reading other tenants' rows.
create unique index tenants_slug_key on identity.tenants (slug);
create index tenants_tenant on identity.tenants (tenant_id);

create table identity.users (
  id uuid primary key,
  tenant_id uuid not null references identity.tenants (id),
  role text not null check (role in ('owner', 'staff', 'viewer')),
  email_index text not null,
  email_ciphertext text not null,
  phone_ciphertext text,
  password_hash text not null,
  totp_secret_ciphertext text,
  status text not null default 'active' check (status in ('active', 'disabled')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index users_tenant_email on identity.users (tenant_id, email_index);
create index users_tenant_id on identity.users (tenant_id, id);

create table identity.signing_keys (
  kid text primary key,
  tenant_id uuid not null references identity.tenants (id),
  alg text not null check (alg = 'EdDSA'),
  public_jwk jsonb not null,
  private_jwk_ciphertext text not null,
  status text not null default 'active' check (status in ('active', 'retired')),
  created_at timestamptz not null default now(),
  retired_at timestamptz
);
create index signing_keys_tenant on identity.signing_keys (tenant_id, status, created_at desc);

-- One session = one refresh-token family; its id is the token's `sid`.
create table identity.sessions (
  id uuid primary key,
  tenant_id uuid not null references identity.tenants (id),
  user_id uuid not null references identity.users (id),
  amr text[] not null default '{}',
  created_at timestamptz not null default now(),
  last_used_at timestamptz not null default now(),
  expires_at timestamptz not null,
  revoked_at timestamptz,
  revoked_reason text
);
create index sessions_tenant_user on identity.sessions (tenant_id, user_id) where revoked_at is null;

-- Refresh tokens are stored as SHA-256 hashes only; each is single use (used_at), chained within its family.
create table identity.refresh_tokens (
  id uuid primary key,
  tenant_id uuid not null references identity.tenants (id),
  session_id uuid not null references identity.sessions (id),
  token_hash text not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz
);
create unique index refresh_tokens_tenant_hash on identity.refresh_tokens (tenant_id, token_hash);
create index refresh_tokens_tenant_session on identity.refresh_tokens (tenant_id, session_id);

alter table identity.tenants enable row level security;
alter table identity.tenants force row level security;
create policy tenant_isolation on identity.tenants
  using (tenant_id = app.current_tenant()) with check (tenant_id = app.current_tenant());

alter table identity.users enable row level security;
alter table identity.users force row level security;
create policy tenant_isolation on identity.users
  using (tenant_id = app.current_tenant()) with check (tenant_id = app.current_tenant());

alter table identity.signing_keys enable row level security;
alter table identity.signing_keys force row level security;
create policy tenant_isolation on identity.signing_keys
  using (tenant_id = app.current_tenant()) with check (tenant_id = app.current_tenant());

alter table identity.sessions enable row level security;
alter table identity.sessions force row level security;
create policy tenant_isolation on identity.sessions
  using (tenant_id = app.current_tenant()) with check (tenant_id = app.current_tenant());

alter table identity.refresh_tokens enable row level security;
alter table identity.refresh_tokens force row level security;
create policy tenant_isolation on identity.refresh_tokens
  using (tenant_id = app.current_tenant()) with check (tenant_id = app.current_tenant());

grant select, insert on identity.tenants to {{role}};
grant select, insert, update on identity.users to {{role}};
grant select, insert, update on identity.signing_keys to {{role}};
grant select, insert, update on identity.sessions to {{role}};
grant select, insert, update on identity.refresh_tokens to {{role}};
