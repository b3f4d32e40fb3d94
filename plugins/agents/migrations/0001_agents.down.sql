DROP TABLE IF EXISTS agent_aggregation_runs;
DROP VIEW IF EXISTS real_time_metrics;
DROP VIEW IF EXISTS department_stats;
DROP VIEW IF EXISTS agent_daily_summary;
DROP TABLE IF EXISTS agent_sessions;
DROP TABLE IF EXISTS agent_activities;
DROP TABLE IF EXISTS agent_performance_metrics;
DROP TABLE IF EXISTS agents;
