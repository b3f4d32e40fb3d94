-- Seed 001 §1.1–1.4 as PostgreSQL. The identity columns of §1.1 (username, email, password_hash, role,
-- is_active, last_login_at, created_at, updated_at) live in the core's users table; agents holds the
-- profile and the live metrics, 1:1 with users by id.
CREATE TABLE agents (
  id                     integer PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  tenant_id              text NOT NULL REFERENCES tenants (id),
  full_name              varchar(255) NOT NULL,
  avatar                 text,
  phone                  varchar(20),
  department             varchar(100) NOT NULL,
  location               varchar(100) NOT NULL DEFAULT '',
  online_status          varchar(20) NOT NULL DEFAULT 'offline'
                         CHECK (online_status IN ('online', 'offline', 'away', 'busy')),
  status_since           timestamptz NOT NULL DEFAULT now(),  -- online hours accrue from status intervals
  last_seen              timestamptz NOT NULL DEFAULT now(),
  current_tickets        integer NOT NULL DEFAULT 0 CHECK (current_tickets >= 0),
  total_tickets_handled  integer NOT NULL DEFAULT 0,
  avg_response_time      numeric(6,2) NOT NULL DEFAULT 5.0 CHECK (avg_response_time BETWEEN 0 AND 1440),
  customer_satisfaction  numeric(3,2) NOT NULL DEFAULT 3.5 CHECK (customer_satisfaction BETWEEN 1 AND 5),
  tickets_resolved_today integer NOT NULL DEFAULT 0,
  messages_handled_today integer NOT NULL DEFAULT 0,
  online_hours_today     numeric(5,2) NOT NULL DEFAULT 0.0,
  performance_level      varchar(10) NOT NULL DEFAULT 'medium'
                         CHECK (performance_level IN ('high', 'medium', 'low')),
  updated_at             timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX idx_agents_tenant ON agents (tenant_id);
CREATE INDEX idx_agents_department ON agents (department);
CREATE INDEX idx_agents_location ON agents (location);
CREATE INDEX idx_agents_online_status ON agents (online_status);
CREATE INDEX idx_agents_performance_level ON agents (performance_level);
-- §8.1's composite indexes (role and is_active live in users: users_role exists in the core).
CREATE INDEX idx_agents_tenant_department ON agents (tenant_id, department);
CREATE INDEX idx_agents_tenant_online ON agents (tenant_id, online_status);

CREATE TABLE agent_performance_metrics (
  id                    serial PRIMARY KEY,
  agent_id              integer NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
  date                  date NOT NULL,
  messages_handled      integer NOT NULL DEFAULT 0,
  avg_response_time     numeric(6,2) NOT NULL DEFAULT 0 CHECK (avg_response_time BETWEEN 0 AND 1440),
  customer_satisfaction numeric(3,2) CHECK (customer_satisfaction BETWEEN 1 AND 5),
  tickets_resolved      integer NOT NULL DEFAULT 0,
  online_hours          numeric(5,2) NOT NULL DEFAULT 0,
  sla_compliance        numeric(5,2) NOT NULL DEFAULT 0 CHECK (sla_compliance BETWEEN 0 AND 100),
  created_at            timestamptz NOT NULL DEFAULT now(),
  UNIQUE (agent_id, date)
);
CREATE INDEX idx_performance_date ON agent_performance_metrics (date);
CREATE INDEX idx_performance_agent_date_range ON agent_performance_metrics (agent_id, date DESC);

CREATE TABLE agent_activities (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  agent_id    integer NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
  type        varchar(50) NOT NULL CHECK (type IN ('login', 'logout', 'status_change', 'ticket_assigned',
                                                   'ticket_resolved', 'message_sent')),
  description text NOT NULL,
  timestamp   timestamptz NOT NULL DEFAULT now(),
  metadata    jsonb,
  -- per-activity figures the daily aggregation reads (response time in minutes, CSAT 1..5)
  response_time_minutes numeric(6,2) CHECK (response_time_minutes BETWEEN 0 AND 1440),
  satisfaction          numeric(3,2) CHECK (satisfaction BETWEEN 1 AND 5)
);
CREATE INDEX idx_activities_agent_time ON agent_activities (agent_id, timestamp DESC);
CREATE INDEX idx_activities_type ON agent_activities (type);
CREATE INDEX idx_activities_time ON agent_activities (timestamp);
CREATE INDEX idx_activities_agent_type_time ON agent_activities (agent_id, type, timestamp DESC);

CREATE TABLE agent_sessions (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  agent_id      integer NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
  socket_id     varchar(100),
  ip_address    inet,
  user_agent    text,
  started_at    timestamptz NOT NULL DEFAULT now(),
  last_activity timestamptz NOT NULL DEFAULT now(),
  ended_at      timestamptz,
  is_active     boolean NOT NULL DEFAULT true
);
CREATE INDEX idx_sessions_agent_active ON agent_sessions (agent_id, is_active);
CREATE INDEX idx_sessions_socket ON agent_sessions (socket_id);
CREATE INDEX idx_sessions_last_activity ON agent_sessions (last_activity);

-- §8.3's views.
CREATE VIEW agent_daily_summary AS
  SELECT m.agent_id, a.tenant_id, a.department, m.date, m.messages_handled, m.avg_response_time,
         m.customer_satisfaction, m.tickets_resolved, m.online_hours, m.sla_compliance
  FROM agent_performance_metrics m JOIN agents a ON a.id = m.agent_id;

CREATE VIEW department_stats AS
  SELECT a.tenant_id, a.department, count(*) AS agents,
         count(*) FILTER (WHERE u.is_active) AS active,
         count(*) FILTER (WHERE a.online_status <> 'offline') AS online,
         round(avg(a.avg_response_time), 2) AS avg_response_time,
         round(avg(a.customer_satisfaction), 2) AS customer_satisfaction
  FROM agents a JOIN users u ON u.id = a.id
  GROUP BY a.tenant_id, a.department;

CREATE VIEW real_time_metrics AS
  SELECT a.tenant_id, a.id AS agent_id, a.online_status, a.current_tickets, a.tickets_resolved_today,
         a.messages_handled_today, a.online_hours_today, a.avg_response_time, a.customer_satisfaction,
         a.performance_level
  FROM agents a JOIN users u ON u.id = a.id
  WHERE u.is_active;

-- One row per aggregated day: makes the daily job idempotent.
CREATE TABLE agent_aggregation_runs (
  day    date PRIMARY KEY,
  ran_at timestamptz NOT NULL DEFAULT now()
);
