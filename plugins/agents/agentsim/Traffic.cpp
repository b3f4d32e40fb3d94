#include "Traffic.hpp"

#include "Behaviour.hpp"
#include "HttpClient.hpp"
#include "TokenBucket.hpp"

#include <cstdio>
#include <random>
#include <thread>

namespace monti::agentsim {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr double kBurstSeconds = 0.1;  // how far a worker may catch up after a slow request
constexpr auto kMaxBackoff = 2s;       // after repeated connection failures
constexpr int kPickAttempts = 8;       // tries to find a working agent for an activity

double burstFor(double rate) { return std::max(2.0, rate * kBurstSeconds); }

}  // namespace

/// One thread, its agents (no one else touches them), its connection and its pacing.
class Traffic::Worker {
 public:
  Worker(Traffic& traffic, std::vector<SimAgent> agents, double statusRate, double activityRate)
      : traffic_(traffic),
        agents_(std::move(agents)),
        http_(traffic.options_.url),
        rng_(std::random_device{}()),
        statusBucket_(statusRate, burstFor(statusRate), Clock::now()),
        activityBucket_(activityRate, burstFor(activityRate), Clock::now()) {
    for (const auto& a : agents_) {
      if (a.handlesTickets) ticketHandlers_.push_back(&a - agents_.data());
    }
    if (ticketHandlers_.empty()) activityBucket_ = TokenBucket(0, 1, Clock::now());
  }

  void start() {
    thread_ = std::thread([this] { loop(); });
  }
  void join() {
    if (thread_.joinable()) thread_.join();
  }
  StatsSink& sink() { return sink_; }

 private:
  void loop() {
    auto& stop = traffic_.stop_;
    while (!stop.requested()) {
      if (Clock::now() < pausedUntil_ && stop.waitUntil(pausedUntil_)) break;
      // The kind that is due first goes first, so a worker that falls behind still sends both.
      const bool statusFirst = statusBucket_.due() <= activityBucket_.due();
      auto& bucket = statusFirst ? statusBucket_ : activityBucket_;
      if (!bucket.enabled()) {  // both rates are 0: nothing to send until the end
        while (!stop.waitUntil(Clock::time_point::max())) {
        }
        break;
      }
      if (!bucket.tryTake(Clock::now())) {
        if (stop.waitUntil(bucket.due())) break;
        continue;
      }
      statusFirst ? changeStatus() : recordActivity();
    }
  }

  void changeStatus() {
    auto& agent = agents_[std::uniform_int_distribution<std::size_t>(0, agents_.size() - 1)(rng_)];
    const Status next = nextStatus(agent.status, rng_);
    const nlohmann::json body = {{"status", statusName(next)}};
    const Reply reply = send(Kind::status, agent, "PUT", "/status", body);
    if (!reply.ok()) return;
    --traffic_.statusCounts_[static_cast<std::size_t>(agent.status)];
    ++traffic_.statusCounts_[static_cast<std::size_t>(next)];
    agent.status = next;
  }

  void recordActivity() {
    auto& agent = pickWorkingAgent();
    const Activity activity = nextActivity(agent, rng_);
    const Reply reply = send(Kind::activity, agent, "POST", "/activity", activity.body);
    if (!reply.ok()) return;
    agent.ticketsAssigned += static_cast<std::uint32_t>(activity.assigned);
    agent.ticketsResolved += static_cast<std::uint32_t>(activity.resolved);
  }

  // Tickets and messages go to agents who are at work (online or busy) when one is found quickly.
  SimAgent& pickWorkingAgent() {
    std::uniform_int_distribution<std::size_t> index(0, ticketHandlers_.size() - 1);
    SimAgent* agent = nullptr;
    for (int i = 0; i < kPickAttempts; ++i) {
      agent = &agents_[static_cast<std::size_t>(ticketHandlers_[index(rng_)])];
      if (agent->status == Status::online || agent->status == Status::busy) break;
    }
    return *agent;
  }

  Reply send(Kind kind, const SimAgent& agent, std::string_view method, const char* suffix,
             const nlohmann::json& body) {
    const auto path = "/api/v1/agents/" + std::to_string(agent.id) + suffix;
    Reply reply = traffic_.sessions_[agent.tenant]->call(http_, method, path, &body);
    sink_.record(kind, reply.status, reply.latency);
    backOffAfter(reply);
    return reply;
  }

  // A refused connection answers at once: without a pause a down server would get thousands of connects
  // a second. A 429 or 503 says how long to wait.
  void backOffAfter(const Reply& reply) {
    if (reply.status == 429 || reply.status == 503) {
      pausedUntil_ = Clock::now() + std::chrono::seconds(std::max(reply.retryAfterSeconds, 1));
    } else if (reply.status == 0) {
      backoff_ = std::min<Clock::duration>(backoff_ == Clock::duration::zero() ? 50ms : backoff_ * 2, kMaxBackoff);
      pausedUntil_ = Clock::now() + backoff_;
    } else {
      backoff_ = Clock::duration::zero();
    }
  }

  Traffic& traffic_;
  std::vector<SimAgent> agents_;
  std::vector<std::ptrdiff_t> ticketHandlers_;  // indices into agents_ of agents that take tickets
  HttpClient http_;
  std::mt19937_64 rng_;
  TokenBucket statusBucket_;
  TokenBucket activityBucket_;
  Clock::time_point pausedUntil_;
  Clock::duration backoff_{0};
  StatsSink sink_;
  std::thread thread_;
};

Traffic::Traffic(const Options& options, std::vector<std::unique_ptr<AdminSession>>& sessions,
                 std::vector<SimAgent> agents, StopFlag& stop, ProgressLine& progress)
    : options_(options), sessions_(sessions), stop_(stop), progress_(progress) {
  for (const auto& a : agents)
    ++statusCounts_[static_cast<std::size_t>(a.status)];
  // Agent i goes to worker i % threads; each worker gets the share of the rates its agents make up.
  const auto threads = std::min(static_cast<std::size_t>(options.threads), agents.size());
  std::vector<std::vector<SimAgent>> shares(threads);
  for (std::size_t i = 0; i < agents.size(); ++i)
    shares[i % threads].push_back(agents[i]);
  for (auto& share : shares) {
    const double fraction = static_cast<double>(share.size()) / static_cast<double>(agents.size());
    workers_.push_back(std::make_unique<Worker>(*this, std::move(share), options.statusRate * fraction,
                                                options.activityRate * fraction));
  }
}

Traffic::~Traffic() {
  stop_.request("shutdown");
  for (auto& w : workers_)
    w->join();
}

std::array<int, kStatusCount> Traffic::statusCounts() const {
  std::array<int, kStatusCount> counts{};
  for (std::size_t i = 0; i < kStatusCount; ++i)
    counts[i] = statusCounts_[i].load();
  return counts;
}

void Traffic::run() {
  started_ = Clock::now();
  for (auto& w : workers_)
    w->start();
  const auto end = options_.durationSeconds > 0
                       ? started_ + std::chrono::duration_cast<Clock::duration>(
                                        std::chrono::duration<double>(options_.durationSeconds))
                       : Clock::time_point::max();
  const auto interval =
      options_.progressSeconds > 0
          ? std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(options_.progressSeconds))
          : Clock::duration::max() / 2;
  auto lastReport = started_;
  while (!stop_.requested()) {
    const auto nextReport = lastReport + interval;
    if (stop_.waitUntil(std::min(nextReport, end))) break;
    const auto now = Clock::now();
    if (now >= nextReport) {
      report(now - lastReport);
      lastReport = now;
    }
    if (now >= end) stop_.request("duration reached");
  }
  for (auto& w : workers_)
    w->join();
  elapsed_ = Clock::now() - started_;
  for (auto& w : workers_)
    total_.merge(w->sink().take());
  progress_.finish();
}

void Traffic::report(std::chrono::duration<double> interval) {
  Tally window;
  for (auto& w : workers_)
    window.merge(w->sink().take());
  total_.merge(window);
  const double seconds = std::max(interval.count(), 1e-3);
  const auto counts = statusCounts();
  const auto elapsed = std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - started_).count();
  char line[512];
  std::snprintf(line, sizeof line,
                "agentsim %llds | status %.0f/s activity %.0f/s | p50 %s p99 %s | errors %s | online %d busy %d away "
                "%d offline %d",
                static_cast<long long>(elapsed), static_cast<double>(window.total(Kind::status)) / seconds,
                static_cast<double>(window.total(Kind::activity)) / seconds,
                formatLatency(window.latency.quantile(0.50)).c_str(),
                formatLatency(window.latency.quantile(0.99)).c_str(), formatFailures(window.failuresByStatus).c_str(),
                counts[static_cast<std::size_t>(Status::online)], counts[static_cast<std::size_t>(Status::busy)],
                counts[static_cast<std::size_t>(Status::away)], counts[static_cast<std::size_t>(Status::offline)]);
  progress_.show(line);
}

}  // namespace monti::agentsim
