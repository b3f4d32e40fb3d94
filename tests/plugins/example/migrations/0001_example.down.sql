DROP TABLE example_job_runs; DROP TABLE example_notes; DROP TABLE example_items;
