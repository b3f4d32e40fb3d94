-- Accounts belong to the core so that login works whatever plugins are enabled. The agents plugin keeps
-- each agent's profile 1:1 with a user (same id), so seed 001's Agent JSON stays as it is.
CREATE TABLE tenants (
  id         text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9_-]{0,62}$'),
  name       text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO tenants (id, name) VALUES ('default', 'Default tenant');

CREATE TABLE users (
  id            serial PRIMARY KEY,
  tenant_id     text NOT NULL REFERENCES tenants (id),
  username      varchar(50) NOT NULL,
  email         varchar(255) NOT NULL,
  password_hash varchar(255) NOT NULL,
  role          varchar(20) NOT NULL CHECK (role IN ('admin', 'cs', 'viewer')),
  departments   text[] NOT NULL DEFAULT '{}',
  locations     text[] NOT NULL DEFAULT '{}',
  is_active     boolean NOT NULL DEFAULT true,
  last_login_at timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
-- Usernames and emails are unique across tenants (case-insensitively), so login needs no tenant.
CREATE UNIQUE INDEX users_username_key ON users (lower(username));
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
CREATE INDEX users_tenant ON users (tenant_id);
CREATE INDEX users_role ON users (role);

-- Opaque refresh tokens, stored hashed. One family per login: rotation adds a row to the family, and a
-- used token presented again revokes the whole family (token theft).
CREATE TABLE refresh_tokens (
  id          bigserial PRIMARY KEY,
  user_id     integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  family      uuid NOT NULL,
  token_hash  text NOT NULL UNIQUE,
  expires_at  timestamptz NOT NULL,
  used_at     timestamptz,
  revoked_at  timestamptz,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family);
CREATE INDEX refresh_tokens_expires ON refresh_tokens (expires_at);

-- Access tokens revoked before they expire (logout); every node keeps the live ones in memory.
CREATE TABLE revoked_tokens (
  jti        text PRIMARY KEY,
  expires_at timestamptz NOT NULL
);

-- Service API keys: shown once, stored hashed, scoped, expiring, revocable.
CREATE TABLE api_keys (
  id           bigserial PRIMARY KEY,
  tenant_id    text NOT NULL REFERENCES tenants (id),
  name         text NOT NULL,
  prefix       text NOT NULL,
  key_hash     text NOT NULL UNIQUE,
  permissions  text[] NOT NULL,
  created_by   integer REFERENCES users (id) ON DELETE SET NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz,
  revoked_at   timestamptz,
  last_used_at timestamptz
);
CREATE INDEX api_keys_tenant ON api_keys (tenant_id);

-- Security events: logins and failures, role or permission changes, denials, API-key use, config reloads.
CREATE TABLE audit_log (
  id             bigserial PRIMARY KEY,
  at             timestamptz NOT NULL DEFAULT now(),
  tenant_id      text,
  actor          text,
  action         text NOT NULL,
  target         text,
  ip             text,
  correlation_id text,
  details        jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_tenant_at ON audit_log (tenant_id, at DESC);
