CREATE TABLE example_items (id bigserial PRIMARY KEY, name text NOT NULL);
CREATE TABLE example_notes (id bigserial PRIMARY KEY, text text NOT NULL);
CREATE TABLE example_job_runs (id bigserial PRIMARY KEY, ran_at timestamptz NOT NULL DEFAULT now());
