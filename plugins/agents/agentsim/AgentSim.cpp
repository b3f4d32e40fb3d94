// monti-agentsim: simulated contact-centre agents for Monti's agents plugin. It logs in as one admin per
// tenant, creates (or finds) <prefix>_1..<prefix>_N, then drives status changes and ticket/message
// activity through the public API at a fixed rate until --duration ends or SIGINT/SIGTERM.
// See README.md in this folder.

#include "AdminSession.hpp"
#include "Options.hpp"
#include "Roster.hpp"
#include "Stats.hpp"
#include "StopFlag.hpp"
#include "Traffic.hpp"

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace monti::agentsim {
namespace {

constexpr int kOk = 0;
constexpr int kFailure = 1;
constexpr int kUsage = 64;

std::vector<std::unique_ptr<AdminSession>> logIn(const Options& options) {
  std::vector<std::unique_ptr<AdminSession>> sessions;
  HttpClient http(options.url);
  std::string tenants;
  for (const auto& admin : options.admins) {
    auto session = std::make_unique<AdminSession>(admin);
    session->login(http);
    if (session->role() != "admin") {
      throw SimError(admin.username + " is a " + session->role() +
                     " account: creating and driving agents needs an admin");
    }
    tenants += (tenants.empty() ? "" : ", ") + session->tenant();
    sessions.push_back(std::move(session));
  }
  std::fprintf(stderr, "agentsim: logged in to %s as %s (tenants: %s)\n", options.url.text.c_str(),
               options.admins.front().username.c_str(), tenants.c_str());
  return sessions;
}

void printSummary(const std::string& how, const Roster& roster, const Traffic* traffic, const Tally& total) {
  std::string text = "agentsim: " + how + ": agents created " + std::to_string(roster.created()) + " reused " +
                     std::to_string(roster.reused()) + " failed " + std::to_string(roster.failed());
  if (traffic != nullptr) {
    char line[400];
    const double seconds = std::max(traffic->elapsed().count(), 1e-3);
    const auto statusCount = total.total(Kind::status);
    const auto activityCount = total.total(Kind::activity);
    std::snprintf(
        line, sizeof line,
        " | %.1fs: %llu status requests (%.0f/s), %llu activity requests (%.0f/s) | errors %s | p50 %s p99 %s", seconds,
        static_cast<unsigned long long>(statusCount), static_cast<double>(statusCount) / seconds,
        static_cast<unsigned long long>(activityCount), static_cast<double>(activityCount) / seconds,
        formatFailures(total.failuresByStatus).c_str(), formatLatency(total.latency.quantile(0.50)).c_str(),
        formatLatency(total.latency.quantile(0.99)).c_str());
    text += line;
  }
  std::fprintf(stderr, "%s\n", text.c_str());
}

int run(const Options& options) {
  StopFlag stop;
  SignalWatcher signals(stop);  // first, so every thread started below leaves SIGINT/SIGTERM to it
  ProgressLine progress;
  try {
    auto sessions = logIn(options);
    Roster roster(options, sessions, stop, progress);
    auto agents = roster.assemble();
    if (stop.requested()) {
      printSummary("stopped (" + stop.reason() + ") while preparing agents", roster, nullptr, Tally{});
      return kOk;
    }
    char until[64] = "; Ctrl-C stops";
    if (options.durationSeconds > 0) std::snprintf(until, sizeof until, " for %gs", options.durationSeconds);
    std::fprintf(stderr, "agentsim: driving %zu agents: %g status changes/s, %g activities/s on %d connections%s\n",
                 agents.size(), options.statusRate, options.activityRate,
                 std::min(options.threads, static_cast<int>(agents.size())), until);
    Traffic traffic(options, sessions, std::move(agents), stop, progress);
    traffic.run();
    const Tally& total = traffic.total();
    printSummary("stopped (" + stop.reason() + ")", roster, &traffic, total);
    const auto attempted = total.total(Kind::status) + total.total(Kind::activity);
    if (attempted > 0 && total.failures() == attempted) {
      std::fprintf(stderr, "agentsim: no request succeeded\n");
      return kFailure;
    }
    return kOk;
  } catch (const SimError& e) {
    progress.finish();
    std::fprintf(stderr, "agentsim: %s\n", e.what());
    return kFailure;
  }
}

}  // namespace
}  // namespace monti::agentsim

int main(int argc, char** argv) {
  using namespace monti::agentsim;
  ParsedCommandLine parsed;
  try {
    parsed = parseCommandLine(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const UsageError& e) {
    std::fprintf(stderr, "agentsim: %s (see monti-agentsim --help)\n", e.what());
    return kUsage;
  }
  if (parsed.wantsHelp) {
    std::fputs(kUsageText, stdout);
    return kOk;
  }
  return run(parsed.options);
}
