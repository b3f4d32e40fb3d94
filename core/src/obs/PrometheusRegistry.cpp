#include "obs/PrometheusRegistry.hpp"

#include <charconv>
#include <cmath>
#include <stdexcept>

namespace monti::obs {
namespace {

bool validName(std::string_view name) {
  if (name.empty() || (name.front() >= '0' && name.front() <= '9')) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == ':';
    if (!ok) return false;
  }
  return true;
}

const char* kindName(int kind) {
  static constexpr const char* kNames[] = {"counter", "gauge", "histogram"};
  return kNames[kind];
}

std::string formatNumber(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buffer[64];
  // Shortest form that reads back exactly: 0.1, not 0.10000000000000001.
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, v);
  return {buffer, result.ptr};
}

std::string escapeHelp(std::string_view help) {
  std::string out;
  for (char c : help) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

// Appends one sample line: name + suffix + labels + ' ' + value.
void appendSample(std::string& out, std::string_view name, std::string_view suffix, std::string_view labels,
                  std::string_view value) {
  out.append(name).append(suffix).append(labels).append(" ").append(value).append("\n");
}

// Inserts `le` into an already-rendered label set.
std::string withLe(const std::string& labels, const std::string& le) {
  if (labels.empty()) return "{le=\"" + le + "\"}";
  return labels.substr(0, labels.size() - 1) + ",le=\"" + le + "\"}";
}

}  // namespace

std::string renderLabels(const Labels& labels) {
  if (labels.empty()) return {};
  std::string out = "{";
  for (const auto& [key, value] : labels) {
    if (!validName(key)) throw std::invalid_argument("metrics: bad label name \"" + key + "\"");
    if (out.size() > 1) out += ',';
    out += key;
    out += "=\"";
    for (char c : value) {
      if (c == '\\')
        out += "\\\\";
      else if (c == '"')
        out += "\\\"";
      else if (c == '\n')
        out += "\\n";
      else
        out += c;
    }
    out += '"';
  }
  out += '}';
  return out;
}

PrometheusRegistry::Family& PrometheusRegistry::family(std::string_view name, std::string_view help, Kind kind) {
  if (!validName(name)) throw std::invalid_argument("metrics: bad metric name \"" + std::string(name) + "\"");
  auto it = families_.find(name);
  if (it == families_.end()) {
    it = families_.emplace(std::string(name), Family{kind, std::string(help), {}}).first;
  } else if (it->second.kind != kind) {
    throw std::invalid_argument("metrics: \"" + std::string(name) + "\" is already a " +
                                kindName(static_cast<int>(it->second.kind)));
  }
  return it->second;
}

Counter& PrometheusRegistry::counter(std::string_view name, std::string_view help, const Labels& labels) {
  std::lock_guard lock(mutex_);
  auto& series = family(name, help, Kind::counter).series;
  auto [it, inserted] = series.try_emplace(renderLabels(labels));
  if (inserted) it->second = std::make_unique<Counter>();
  return *std::get<std::unique_ptr<Counter>>(it->second);
}

Gauge& PrometheusRegistry::gauge(std::string_view name, std::string_view help, const Labels& labels) {
  std::lock_guard lock(mutex_);
  auto& series = family(name, help, Kind::gauge).series;
  auto [it, inserted] = series.try_emplace(renderLabels(labels));
  if (inserted) it->second = std::make_unique<Gauge>();
  return *std::get<std::unique_ptr<Gauge>>(it->second);
}

Histogram& PrometheusRegistry::histogram(std::string_view name, std::string_view help,
                                         const std::vector<double>& buckets, const Labels& labels) {
  std::lock_guard lock(mutex_);
  auto& series = family(name, help, Kind::histogram).series;
  auto [it, inserted] = series.try_emplace(renderLabels(labels));
  if (inserted) it->second = std::make_unique<Histogram>(buckets);
  return *std::get<std::unique_ptr<Histogram>>(it->second);
}

std::string PrometheusRegistry::render() const {
  std::lock_guard lock(mutex_);
  std::string out;
  out.reserve(4096);
  for (const auto& [name, fam] : families_) {
    out.append("# HELP ").append(name).append(" ").append(escapeHelp(fam.help)).append("\n");
    out.append("# TYPE ").append(name).append(" ").append(kindName(static_cast<int>(fam.kind))).append("\n");
    for (const auto& [labels, instrument] : fam.series) {
      if (const auto* c = std::get_if<std::unique_ptr<Counter>>(&instrument)) {
        appendSample(out, name, "", labels, std::to_string((*c)->value()));
      } else if (const auto* g = std::get_if<std::unique_ptr<Gauge>>(&instrument)) {
        appendSample(out, name, "", labels, std::to_string((*g)->value()));
      } else {
        const auto& h = *std::get<std::unique_ptr<Histogram>>(instrument);
        std::uint64_t cumulative = 0;
        const auto& bounds = h.upperBounds();
        for (std::size_t i = 0; i <= bounds.size(); ++i) {
          cumulative += h.bucketCount(i);
          const std::string le = i < bounds.size() ? formatNumber(bounds[i]) : "+Inf";
          appendSample(out, name, "_bucket", withLe(labels, le), std::to_string(cumulative));
        }
        appendSample(out, name, "_sum", labels, formatNumber(h.sum()));
        appendSample(out, name, "_count", labels, std::to_string(h.count()));
      }
    }
  }
  return out;
}

Histogram::Histogram(std::vector<double> upperBounds)
    : bounds_(std::move(upperBounds)), counts_(std::make_unique<std::atomic<std::uint64_t>[]>(bounds_.size() + 1)) {
  for (std::size_t i = 1; i < bounds_.size(); ++i) {
    if (!(bounds_[i - 1] < bounds_[i])) throw std::invalid_argument("metrics: histogram buckets must increase");
  }
}

void Histogram::observe(double value) noexcept {
  std::size_t i = 0;
  while (i < bounds_.size() && value > bounds_[i])
    ++i;
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  if (value > 0) sumNanos_.fetch_add(static_cast<std::uint64_t>(value * 1e9), std::memory_order_relaxed);
}

double Histogram::sum() const noexcept { return static_cast<double>(sumNanos_.load(std::memory_order_relaxed)) / 1e9; }

std::vector<double> defaultLatencyBuckets() {
  return {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

}  // namespace monti::obs
