#include "sched/Scheduler.hpp"

#include "obs/IsoTime.hpp"

#include <ctime>

namespace monti::sched {
namespace {

std::string scheduleText(const plugin::JobDecl& job) {
  if (job.cron) return "cron " + job.cron->text();
  return "every " + std::to_string(job.period->count()) + "ms";
}

}  // namespace

Scheduler::Scheduler(const plugin::Catalog& catalog, data::Database* database, std::string podId, int workers,
                     obs::Logger& logger, obs::MetricsRegistry& metrics)
    : catalog_(catalog), database_(database), podId_(std::move(podId)), workerCount_(workers), logger_(logger) {
  const auto now = Clock::now();
  for (const auto& decl : catalog_.jobs) {
    auto state = std::make_unique<JobState>();
    state->decl = &decl;
    state->next = nextTick(decl, now);
    state->ok =
        &metrics.counter("monti_job_runs_total", "Job runs by outcome", {{"job", decl.name}, {"outcome", "ok"}});
    state->failed =
        &metrics.counter("monti_job_runs_total", "Job runs by outcome", {{"job", decl.name}, {"outcome", "error"}});
    state->duration = &metrics.histogram("monti_job_duration_seconds", "Job run time", obs::defaultLatencyBuckets(),
                                         {{"job", decl.name}});
    jobs_.push_back(std::move(state));
  }
}

Scheduler::~Scheduler() { stop(); }

Scheduler::Clock::time_point Scheduler::nextTick(const plugin::JobDecl& job, Clock::time_point after) {
  if (job.cron) return job.cron->next(after);
  const auto period = std::chrono::duration_cast<Clock::duration>(*job.period);
  const auto since = after.time_since_epoch();
  return Clock::time_point((since / period + 1) * period);
}

void Scheduler::start() {
  if (jobs_.empty()) return;
  for (int i = 0; i < workerCount_; ++i)
    workers_.emplace_back([this] { work(); });
  ticker_ = std::thread([this] { loop(); });
}

void Scheduler::stop() noexcept {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (ticker_.joinable()) ticker_.join();
  for (auto& w : workers_) {
    if (w.joinable()) w.join();
  }
  workers_.clear();
}

void Scheduler::loop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    auto earliest = Clock::time_point::max();
    for (const auto& job : jobs_)
      earliest = std::min(earliest, job->next);
    wake_.wait_until(lock, earliest, [this] { return stopping_; });
    if (stopping_) break;
    const auto now = Clock::now();
    for (auto& job : jobs_) {
      if (job->next > now) continue;
      const auto tick = job->next;
      job->next = nextTick(*job->decl, now);
      if (job->running.exchange(true)) {
        logger_.warn("job still running, tick skipped", {{"job", job->decl->name}, {"tick", obs::isoTime(tick)}});
        continue;
      }
      queue_.emplace_back(job.get(), tick);
    }
    wake_.notify_all();
  }
}

void Scheduler::work() {
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    auto [job, tick] = queue_.front();
    queue_.pop_front();
    lock.unlock();
    runJob(*job, tick);
    job->running = false;
    lock.lock();
  }
}

bool Scheduler::claim(JobState& job, Clock::time_point tick) {
  if (database_ == nullptr) return true;  // single node without a database: every tick is ours
  try {
    return !database_
                ->exec(
                    "INSERT INTO job_runs (job, tick_at, node) VALUES ($1, $2::timestamptz, $3) "
                    "ON CONFLICT DO NOTHING RETURNING 1",
                    {job.decl->name, obs::isoTime(tick), podId_})
                .empty();
  } catch (const std::exception& e) {
    // Without the database nobody can tell whether another node runs this tick: skip it.
    logger_.warn("job tick skipped: cannot claim it", {{"job", job.decl->name}, {"error", e.what()}});
    return false;
  }
}

void Scheduler::runJob(JobState& job, Clock::time_point tick) {
  if (!claim(job, tick)) return;
  const auto begin = std::chrono::steady_clock::now();
  std::string error;
  try {
    job.decl->job();
  } catch (const std::exception& e) {
    error = e.what();
  }
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - begin).count();
  job.duration->observe(ms / 1000);
  (error.empty() ? job.ok : job.failed)->inc();
  if (!error.empty())
    logger_.error("job failed", {{"job", job.decl->name}, {"tick", obs::isoTime(tick)}, {"error", error}});
  const nlohmann::json outcome = error.empty() ? "ok" : "error";
  if (database_ != nullptr) {
    try {
      database_->exec(
          "UPDATE job_runs SET duration_ms = $1, outcome = $2, error = $3 WHERE job = $4 AND tick_at = $5::timestamptz",
          {ms, outcome.get<std::string>(), error.empty() ? data::Param(std::nullopt) : data::Param(error),
           job.decl->name, obs::isoTime(tick)});
    } catch (const std::exception& e) {
      logger_.warn("job outcome not recorded", {{"job", job.decl->name}, {"error", e.what()}});
    }
  }
  std::lock_guard lock(mutex_);
  job.lastLocalRun = {{"tickAt", obs::isoTime(tick)},
                      {"node", podId_},
                      {"durationMs", ms},
                      {"outcome", outcome},
                      {"error", error.empty() ? nlohmann::json(nullptr) : nlohmann::json(error)}};
}

nlohmann::json Scheduler::describe() const {
  std::map<std::string, nlohmann::json> lastRuns;
  if (database_ != nullptr) {
    auto rows = database_->read(
        "SELECT DISTINCT ON (job) job, to_char(tick_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), node, "
        "duration_ms, outcome, error FROM job_runs ORDER BY job, tick_at DESC");
    for (const auto row : rows) {
      lastRuns[row.string(0)] = {
          {"tickAt", row.string(1)},
          {"node", row.string(2)},
          {"durationMs", row.isNull(3) ? nlohmann::json(nullptr) : nlohmann::json(row.number(3))},
          {"outcome", row.string(4)},
          {"error", row.isNull(5) ? nlohmann::json(nullptr) : nlohmann::json(row.string(5))}};
    }
  }
  nlohmann::json items = nlohmann::json::array();
  std::lock_guard lock(mutex_);
  for (const auto& job : jobs_) {
    nlohmann::json last = nullptr;
    if (auto it = lastRuns.find(job->decl->name); it != lastRuns.end())
      last = it->second;
    else if (!job->lastLocalRun.is_null())
      last = job->lastLocalRun;
    items.push_back({{"name", job->decl->name},
                     {"owner", job->decl->owner},
                     {"schedule", scheduleText(*job->decl)},
                     {"nextRunAt", obs::isoTime(job->next)},
                     {"running", job->running.load()},
                     {"lastRun", last}});
  }
  return {{"data", items}};
}

}  // namespace monti::sched
