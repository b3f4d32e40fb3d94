#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace monti::agentsim {

/// Request latencies in log-linear buckets (16 per power of two, about 3% error), for p50/p99.
class LatencyHistogram {
 public:
  void add(std::chrono::microseconds latency);
  void merge(const LatencyHistogram& other);
  /// The latency at quantile q (0..1); zero when empty.
  std::chrono::microseconds quantile(double q) const;
  std::uint64_t count() const { return count_; }

 private:
  static constexpr int kLinear = 16;    // 0..15 µs exactly, then 16 sub-buckets per power of two
  static constexpr int kMaxPower = 36;  // up to 2^36 µs (19 hours)
  static constexpr std::size_t kBuckets = kLinear + (kMaxPower - 4) * kLinear;
  static std::size_t bucketOf(std::uint64_t micros);
  static std::uint64_t middleOf(std::size_t bucket);

  std::array<std::uint64_t, kBuckets> buckets_{};
  std::uint64_t count_ = 0;
};

/// What AgentSim sends, counted separately.
enum class Kind : std::uint8_t { status, activity, create, lookup };
inline constexpr std::size_t kKindCount = 4;

/// Counts of answered and failed requests, failures by HTTP status (0: no answer), and latencies.
struct Tally {
  std::array<std::uint64_t, kKindCount> succeeded{};
  std::array<std::uint64_t, kKindCount> failed{};
  std::map<int, std::uint64_t> failuresByStatus;
  LatencyHistogram latency;

  void merge(const Tally& other);
  std::uint64_t total(Kind kind) const;
  std::uint64_t failures() const;
};

/// A worker's tally since the reporter last took it. record() from the worker, take() from the reporter.
class StatsSink {
 public:
  void record(Kind kind, int status, std::chrono::microseconds latency);
  Tally take();

 private:
  std::mutex mutex_;
  Tally tally_;
};

/// "1.4ms", "820us", "2.1s"; "-" for zero (no sample).
std::string formatLatency(std::chrono::microseconds latency);
/// "none" or "429:12 503:1 net:3".
std::string formatFailures(const std::map<int, std::uint64_t>& byStatus);

/// Writes the progress line to stderr: rewritten in place on a terminal, one line per update otherwise.
class ProgressLine {
 public:
  ProgressLine();
  bool onTerminal() const { return tty_; }
  /// Shows `text`; on a terminal it replaces the previous line.
  void show(const std::string& text);
  /// Ends the in-place line (if any) so a following message starts on its own line.
  void finish();

 private:
  bool tty_;
  bool open_ = false;
};

}  // namespace monti::agentsim
