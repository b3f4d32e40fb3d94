#pragma once

#include "plugin/Catalog.hpp"

#include <monti/data/Database.hpp>
#include <monti/obs/Logger.hpp>
#include <monti/obs/Metrics.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace monti::sched {

/// Runs the catalog's jobs on their ticks, each tick at most once across the cluster.
///
/// Tick times are absolute (interval jobs are aligned to the Unix epoch, cron jobs follow their
/// expression in UTC), so every node computes the same ticks; the node whose INSERT of (job, tick) into
/// job_runs wins runs it, and that row becomes the run's history. Without a database the node runs
/// every tick itself. Jobs run on a small worker pool; a job still running on this node skips its next
/// tick rather than piling up. A job that throws is logged and runs again next tick.
class Scheduler {
 public:
  using Clock = std::chrono::system_clock;

  Scheduler(const plugin::Catalog& catalog, data::Database* database, std::string podId, int workers,
            obs::Logger& logger, obs::MetricsRegistry& metrics);
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  void start();
  void stop() noexcept;
  /// For GET /api/v1/admin/jobs: every job with its schedule, next run and last run.
  nlohmann::json describe() const;

  /// The first tick of `job` strictly after `after`.
  static Clock::time_point nextTick(const plugin::JobDecl& job, Clock::time_point after);

 private:
  struct JobState {
    const plugin::JobDecl* decl;
    Clock::time_point next;
    std::atomic<bool> running{false};
    obs::Counter* ok;
    obs::Counter* failed;
    obs::Histogram* duration;
    nlohmann::json lastLocalRun;  // guarded by mutex_; used when there is no database
  };

  void loop();
  void work();
  bool claim(JobState& job, Clock::time_point tick);
  void runJob(JobState& job, Clock::time_point tick);

  const plugin::Catalog& catalog_;
  data::Database* database_;
  std::string podId_;
  int workerCount_;
  obs::Logger& logger_;
  std::vector<std::unique_ptr<JobState>> jobs_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::pair<JobState*, Clock::time_point>> queue_;
  bool stopping_ = false;
  std::thread ticker_;
  std::vector<std::thread> workers_;
};

}  // namespace monti::sched
