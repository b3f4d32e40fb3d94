#include "Stats.hpp"

#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>

namespace monti::agentsim {

std::size_t LatencyHistogram::bucketOf(std::uint64_t micros) {
  if (micros < kLinear) return static_cast<std::size_t>(micros);
  const int power = static_cast<int>(std::bit_width(micros)) - 1;  // >= 4
  if (power >= kMaxPower) return kBuckets - 1;
  const auto sub = (micros >> static_cast<unsigned>(power - 4)) & (kLinear - 1);
  return static_cast<std::size_t>(kLinear + (power - 4) * kLinear) + static_cast<std::size_t>(sub);
}

std::uint64_t LatencyHistogram::middleOf(std::size_t bucket) {
  if (bucket < kLinear) return bucket;
  const auto power = static_cast<unsigned>((bucket - kLinear) / kLinear) + 4;
  const auto sub = static_cast<std::uint64_t>((bucket - kLinear) % kLinear);
  const std::uint64_t width = std::uint64_t{1} << (power - 4);
  return ((kLinear + sub) << (power - 4)) + width / 2;
}

void LatencyHistogram::add(std::chrono::microseconds latency) {
  const auto micros = latency.count() < 0 ? std::uint64_t{0} : static_cast<std::uint64_t>(latency.count());
  ++buckets_[bucketOf(micros)];
  ++count_;
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  for (std::size_t i = 0; i < kBuckets; ++i)
    buckets_[i] += other.buckets_[i];
  count_ += other.count_;
}

std::chrono::microseconds LatencyHistogram::quantile(double q) const {
  if (count_ == 0) return std::chrono::microseconds(0);
  const auto rank = static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(count_)));
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < kBuckets; ++i) {
    seen += buckets_[i];
    if (seen >= std::max<std::uint64_t>(rank, 1)) {
      return std::chrono::microseconds(static_cast<std::int64_t>(middleOf(i)));
    }
  }
  return std::chrono::microseconds(static_cast<std::int64_t>(middleOf(kBuckets - 1)));
}

void Tally::merge(const Tally& other) {
  for (std::size_t k = 0; k < kKindCount; ++k) {
    succeeded[k] += other.succeeded[k];
    failed[k] += other.failed[k];
  }
  for (const auto& [status, n] : other.failuresByStatus)
    failuresByStatus[status] += n;
  latency.merge(other.latency);
}

std::uint64_t Tally::total(Kind kind) const {
  const auto k = static_cast<std::size_t>(kind);
  return succeeded[k] + failed[k];
}

std::uint64_t Tally::failures() const {
  std::uint64_t n = 0;
  for (const auto f : failed)
    n += f;
  return n;
}

void StatsSink::record(Kind kind, int status, std::chrono::microseconds latency) {
  const auto k = static_cast<std::size_t>(kind);
  std::lock_guard lock(mutex_);
  if (status >= 200 && status < 300) {
    ++tally_.succeeded[k];
  } else {
    ++tally_.failed[k];
    ++tally_.failuresByStatus[status];
  }
  if (status != 0) tally_.latency.add(latency);  // a refused connection says nothing about the server
}

Tally StatsSink::take() {
  std::lock_guard lock(mutex_);
  Tally taken = std::move(tally_);
  tally_ = Tally{};
  return taken;
}

std::string formatLatency(std::chrono::microseconds latency) {
  if (latency.count() <= 0) return "-";
  char text[32];
  const auto us = static_cast<double>(latency.count());
  if (us < 1000) {
    std::snprintf(text, sizeof text, "%.0fus", us);
  } else if (us < 1'000'000) {
    std::snprintf(text, sizeof text, "%.1fms", us / 1000);
  } else {
    std::snprintf(text, sizeof text, "%.2fs", us / 1'000'000);
  }
  return text;
}

std::string formatFailures(const std::map<int, std::uint64_t>& byStatus) {
  if (byStatus.empty()) return "none";
  std::string text;
  for (const auto& [status, n] : byStatus) {
    if (!text.empty()) text += ' ';
    text += (status == 0 ? std::string("net") : std::to_string(status)) + ":" + std::to_string(n);
  }
  return text;
}

ProgressLine::ProgressLine() : tty_(::isatty(STDERR_FILENO) == 1) {}

void ProgressLine::show(const std::string& text) {
  if (tty_) {
    std::fprintf(stderr, "\r%s\x1b[K", text.c_str());  // erase what a longer previous line left
    open_ = true;
  } else {
    std::fprintf(stderr, "%s\n", text.c_str());
  }
  std::fflush(stderr);
}

void ProgressLine::finish() {
  if (!open_) return;
  std::fputc('\n', stderr);
  std::fflush(stderr);
  open_ = false;
}

}  // namespace monti::agentsim
