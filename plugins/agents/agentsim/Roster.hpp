#pragma once

#include "AdminSession.hpp"
#include "Options.hpp"
#include "SimAgent.hpp"
#include "Stats.hpp"
#include "StopFlag.hpp"

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace monti::agentsim {

/// The first phase of a run: finds the <prefix>_N agents that already exist in each admin's tenant and
/// creates the missing ones with --threads requests in flight, showing a progress line.
class Roster {
 public:
  Roster(const Options& options, std::vector<std::unique_ptr<AdminSession>>& sessions, StopFlag& stop,
         ProgressLine& progress);

  /// The agents to drive, in number order. Throws SimError when the server refuses the listing or no
  /// agent could be created or found.
  std::vector<SimAgent> assemble();

  int created() const { return created_.load(); }
  int reused() const { return reused_.load(); }
  int failed() const { return failed_.load(); }
  /// Requests of this phase, for the summary.
  Tally tally() { return sink_.take(); }

 private:
  struct Found {
    std::int64_t id = 0;
    Status status = Status::offline;
    bool active = true;
    bool viewer = false;
  };

  void scanTenant(std::size_t tenant, std::vector<std::optional<SimAgent>>& slots);
  void createAll(const std::vector<int>& numbers, std::vector<std::optional<SimAgent>>& slots);
  void createWorker(const std::vector<int>& numbers, std::vector<std::optional<SimAgent>>& slots);
  std::optional<SimAgent> createOne(HttpClient& http, int number);
  std::optional<SimAgent> lookUp(HttpClient& http, std::size_t tenant, int number);
  void reactivate(HttpClient& http, const SimAgent& agent);
  void waitToRetry(const std::string& what, const Reply& reply);  // after 429/503, tells once why
  void fail(const std::string& why);                              // counts a failed agent and keeps the message
  void note(const std::string& why);                              // keeps the message only
  void showProgress(int total, std::chrono::steady_clock::time_point started);

  const Options& options_;
  std::vector<std::unique_ptr<AdminSession>>& sessions_;
  StopFlag& stop_;
  ProgressLine& progress_;
  StatsSink sink_;

  std::atomic<std::size_t> next_{0};  // index into the numbers being created
  std::atomic<int> running_{0};       // creation workers still going
  std::atomic<int> processed_{0};     // numbers the creation workers finished with
  std::atomic<int> created_{0};
  std::atomic<int> reused_{0};
  std::atomic<int> failed_{0};
  std::atomic<bool> giveUp_{false};  // every attempt failed so far: a systematic error
  std::atomic<bool> toldRateLimit_{false};
  std::mutex messagesMutex_;
  std::vector<std::string> messages_;  // the first few failures, printed after the phase
};

}  // namespace monti::agentsim
