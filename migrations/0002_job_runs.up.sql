-- One row per job and tick: the primary key makes each tick run once across the cluster (the node whose
-- INSERT wins runs it), and the row is the run's history.
CREATE TABLE job_runs (
  job         text NOT NULL,
  tick_at     timestamptz NOT NULL,
  node        text NOT NULL,
  started_at  timestamptz NOT NULL DEFAULT now(),
  duration_ms double precision,
  outcome     text NOT NULL DEFAULT 'running' CHECK (outcome IN ('running', 'ok', 'error')),
  error       text,
  PRIMARY KEY (job, tick_at)
);

CREATE INDEX job_runs_started_at ON job_runs (started_at);
