-- Durable Lua hook deliveries: one row per (hook, event), written in the outbox relay's transaction (or by
-- POST /api/v1/hooks/trigger), claimed by hook workers with FOR UPDATE SKIP LOCKED under a lease.
--   pending: never tried       running: claimed; lease_until bounds the attempt
--   failed:  the last attempt failed; tried again at next_attempt_at
--   dead:    max_attempts used up (replayable)      done: handled
CREATE TABLE hook_deliveries (
  id               bigserial PRIMARY KEY,
  hook             text NOT NULL,
  event_id         uuid NOT NULL,
  event_name       text NOT NULL,
  tenant           text NOT NULL DEFAULT '',
  event            jsonb NOT NULL,  -- the event as handle() receives it
  event_created_at timestamptz NOT NULL,
  status           text NOT NULL DEFAULT 'pending'
                   CHECK (status IN ('pending', 'running', 'failed', 'dead', 'done')),
  attempts         integer NOT NULL DEFAULT 0,
  max_attempts     integer NOT NULL CHECK (max_attempts > 0),
  next_attempt_at  timestamptz NOT NULL DEFAULT now(),
  lease_until      timestamptz,
  claimed_by       text,
  last_error       text,
  started_at       timestamptz,  -- when handle() last started
  finished_at      timestamptz,
  duration_ms      double precision,
  replays          integer NOT NULL DEFAULT 0,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (hook, event_id)  -- an event relayed twice still makes one delivery per hook
);

CREATE INDEX hook_deliveries_due ON hook_deliveries (next_attempt_at, id) WHERE status IN ('pending', 'failed');
CREATE INDEX hook_deliveries_leased ON hook_deliveries (lease_until) WHERE status = 'running';
CREATE INDEX hook_deliveries_listing ON hook_deliveries (tenant, status, id DESC);
CREATE INDEX hook_deliveries_finished ON hook_deliveries (finished_at) WHERE status = 'done';

-- Workers sleep on LISTEN monti_hooks; a transaction that adds due deliveries wakes them when it commits.
CREATE FUNCTION hook_deliveries_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('monti_hooks', '');
  RETURN NULL;
END;
$$;

CREATE TRIGGER hook_deliveries_notify AFTER INSERT ON hook_deliveries
  FOR EACH STATEMENT EXECUTE FUNCTION hook_deliveries_notify();
