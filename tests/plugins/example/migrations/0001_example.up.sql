CREATE TABLE example_items (id bigserial PRIMARY KEY, name text NOT NULL);
