-- Transactional outbox: plugins write their events here in the same transaction as the change.
-- The relay publishes unpublished rows in sequence order and stamps published_at.
CREATE TABLE event_outbox (
  seq          bigserial PRIMARY KEY,
  id           uuid NOT NULL UNIQUE,
  name         text NOT NULL,
  tenant       text NOT NULL DEFAULT '',
  aggregate    text NOT NULL DEFAULT '',
  payload      jsonb NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  published_at timestamptz
);

CREATE INDEX event_outbox_unpublished ON event_outbox (seq) WHERE published_at IS NULL;
CREATE INDEX event_outbox_published_at ON event_outbox (published_at) WHERE published_at IS NOT NULL;

-- NOTIFY is transactional: the relay wakes only when a transaction that wrote events commits.
CREATE FUNCTION event_outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('monti_outbox', '');
  RETURN NULL;
END;
$$;

CREATE TRIGGER event_outbox_notify AFTER INSERT ON event_outbox
  FOR EACH STATEMENT EXECUTE FUNCTION event_outbox_notify();
