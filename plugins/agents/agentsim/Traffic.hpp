#pragma once

#include "AdminSession.hpp"
#include "Options.hpp"
#include "SimAgent.hpp"
#include "Stats.hpp"
#include "StopFlag.hpp"

#include <array>
#include <atomic>
#include <chrono>
#include <memory>
#include <vector>

namespace monti::agentsim {

/// The second phase of a run: --threads workers, each owning a share of the agents and one keep-alive
/// connection, send status changes and activities paced by token buckets, while this thread prints the
/// progress line. Ends at --duration or on a stop request.
class Traffic {
 public:
  Traffic(const Options& options, std::vector<std::unique_ptr<AdminSession>>& sessions, std::vector<SimAgent> agents,
          StopFlag& stop, ProgressLine& progress);
  ~Traffic();
  Traffic(const Traffic&) = delete;
  Traffic& operator=(const Traffic&) = delete;

  /// Runs until the duration ends or `stop` is requested, then joins the workers.
  void run();

  /// Every request of the phase.
  const Tally& total() const { return total_; }
  std::chrono::duration<double> elapsed() const { return elapsed_; }
  /// Agents per status now.
  std::array<int, kStatusCount> statusCounts() const;

 private:
  class Worker;

  void report(std::chrono::duration<double> interval);

  const Options& options_;
  std::vector<std::unique_ptr<AdminSession>>& sessions_;
  StopFlag& stop_;
  ProgressLine& progress_;
  std::array<std::atomic<int>, kStatusCount> statusCounts_{};
  std::vector<std::unique_ptr<Worker>> workers_;
  Tally total_;
  std::chrono::steady_clock::time_point started_;
  std::chrono::duration<double> elapsed_{0};
};

}  // namespace monti::agentsim
