#include "Roster.hpp"

#include "AgentProfile.hpp"

#include <cstdio>
#include <thread>

namespace monti::agentsim {
namespace {

using namespace std::chrono_literals;

constexpr int kPageSize = 100;    // the API's maximum page
constexpr int kGiveUpAfter = 20;  // consecutive failures with nothing created: stop trying
constexpr std::size_t kMessagesKept = 5;
constexpr int kNetworkRetries = 3;

std::optional<SimAgent> agentFrom(const nlohmann::json& item, int number, std::size_t tenant) {
  if (!item.is_object() || !item.contains("id") || !item["id"].is_number_integer()) return std::nullopt;
  SimAgent agent;
  agent.id = item["id"].get<std::int64_t>();
  agent.number = number;
  agent.tenant = tenant;
  agent.status = parseStatus(item.value("onlineStatus", std::string("offline"))).value_or(Status::offline);
  agent.handlesTickets = item.value("role", std::string("cs")) != "viewer";
  return agent;
}

std::string searchPath(const std::string& query, int page) {
  return "/api/v1/agents/search?q=" + urlEncode(query) + "&limit=" + std::to_string(kPageSize) +
         "&page=" + std::to_string(page);
}

}  // namespace

Roster::Roster(const Options& options, std::vector<std::unique_ptr<AdminSession>>& sessions, StopFlag& stop,
               ProgressLine& progress)
    : options_(options), sessions_(sessions), stop_(stop), progress_(progress) {}

std::vector<SimAgent> Roster::assemble() {
  std::vector<std::optional<SimAgent>> slots(static_cast<std::size_t>(options_.agents) + 1);  // by number
  for (std::size_t t = 0; t < sessions_.size() && !stop_.requested(); ++t)
    scanTenant(t, slots);

  std::vector<int> missing;
  for (int n = 1; n <= options_.agents; ++n) {
    if (!slots[static_cast<std::size_t>(n)]) missing.push_back(n);
  }
  std::fprintf(stderr, "agentsim: found %d of %d agents named %s_1..%s_%d\n", reused_.load(), options_.agents,
               options_.prefix.c_str(), options_.prefix.c_str(), options_.agents);
  if (!missing.empty() && !options_.reuse && !stop_.requested()) createAll(missing, slots);

  std::vector<SimAgent> agents;
  for (auto& slot : slots) {
    if (slot) agents.push_back(*slot);
  }
  for (const auto& message : messages_)
    std::fprintf(stderr, "agentsim: %s\n", message.c_str());
  if (agents.empty() && !stop_.requested()) {
    throw SimError(options_.reuse ? "--reuse: no agent named " + options_.prefix + "_N exists; run without --reuse"
                                  : "no agent could be created (see the messages above)");
  }
  return agents;
}

void Roster::scanTenant(std::size_t tenant, std::vector<std::optional<SimAgent>>& slots) {
  auto& session = *sessions_[tenant];
  HttpClient http(options_.url);
  for (int page = 1, pages = 1; page <= pages && !stop_.requested(); ++page) {
    const Reply reply = session.call(http, "GET", searchPath(options_.prefix + "_", page));
    sink_.record(Kind::lookup, reply.status, reply.latency);
    if (reply.status == 429 || reply.status == 503) {
      waitToRetry("GET /api/v1/agents/search", reply);
      --page;
      continue;
    }
    if (reply.status == 404) {
      throw SimError("GET /api/v1/agents/search: " + reply.describe() +
                     ": is the agents plugin enabled on the server (MONTI_PLUGINS=agents)?");
    }
    if (!reply.ok()) throw SimError("listing agents as " + session.username() + " failed: " + reply.describe());
    const auto body = reply.json();
    if (!body.is_object() || !body.contains("data") || !body["data"].is_array()) {
      throw SimError("GET /api/v1/agents/search: expected {data: [...], meta: {...}}, got " +
                     reply.body.substr(0, 120));
    }
    pages = body.value("meta", nlohmann::json::object()).value("totalPages", 1);
    for (const auto& item : body["data"]) {
      const int number = agentNumberOf(options_, item.value("username", std::string()));
      if (number == 0 || slots[static_cast<std::size_t>(number)]) continue;
      auto agent = agentFrom(item, number, tenant);
      if (!agent) continue;
      if (!item.value("isActive", true)) reactivate(http, *agent);
      slots[static_cast<std::size_t>(number)] = agent;
      ++reused_;
    }
  }
}

void Roster::reactivate(HttpClient& http, const SimAgent& agent) {
  const nlohmann::json body = {{"isActive", true}};
  const Reply reply = sessions_[agent.tenant]->call(http, "PUT", "/api/v1/agents/" + std::to_string(agent.id), &body);
  // Still driven either way: the status requests will show whether the server minds.
  if (!reply.ok())
    note("reactivating " + options_.prefix + "_" + std::to_string(agent.number) + ": " + reply.describe());
}

void Roster::createAll(const std::vector<int>& numbers, std::vector<std::optional<SimAgent>>& slots) {
  const auto started = std::chrono::steady_clock::now();
  const int workers = std::min(options_.threads, static_cast<int>(numbers.size()));
  std::vector<std::thread> threads;
  threads.reserve(static_cast<std::size_t>(workers));
  running_ = workers;
  for (int i = 0; i < workers; ++i)
    threads.emplace_back([this, &numbers, &slots] { createWorker(numbers, slots); });

  // A terminal gets at most four updates a second; a log gets a line every five seconds.
  const auto interval = progress_.onTerminal() ? 250ms : 5000ms;
  const int total = static_cast<int>(numbers.size());
  auto shown = started;
  while (running_.load() > 0 && !stop_.waitFor(100ms)) {  // poll: the workers may finish any moment
    if (std::chrono::steady_clock::now() - shown < interval) continue;
    shown = std::chrono::steady_clock::now();
    showProgress(total, started);
  }
  for (auto& t : threads)
    t.join();
  showProgress(total, started);
  progress_.finish();
}

void Roster::showProgress(int total, std::chrono::steady_clock::time_point started) {
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const int attempted = processed_.load();
  char line[200];
  std::snprintf(line, sizeof line, "agentsim: creating %d/%d | created %d reused %d failed %d | %.0f/s", attempted,
                total, created_.load(), reused_.load(), failed_.load(),
                seconds > 0 ? static_cast<double>(attempted) / seconds : 0.0);
  progress_.show(line);
}

void Roster::createWorker(const std::vector<int>& numbers, std::vector<std::optional<SimAgent>>& slots) {
  HttpClient http(options_.url);
  while (!stop_.requested() && !giveUp_.load()) {
    const std::size_t i = next_.fetch_add(1);
    if (i >= numbers.size()) break;
    const int number = numbers[i];
    auto agent = createOne(http, number);
    if (!agent && stop_.requested()) break;                      // interrupted, not finished
    if (agent) slots[static_cast<std::size_t>(number)] = agent;  // distinct slots: no lock needed
    ++processed_;
    if (failed_.load() >= kGiveUpAfter && created_.load() == 0 && reused_.load() == 0) giveUp_ = true;
  }
  --running_;
}

std::optional<SimAgent> Roster::createOne(HttpClient& http, int number) {
  const auto profile = profileFor(options_, number);
  const std::size_t tenant = static_cast<std::size_t>(number - 1) % sessions_.size();
  auto& session = *sessions_[tenant];
  int networkFailures = 0;
  while (!stop_.requested()) {
    const auto body = profile.createBody();
    const Reply reply = session.call(http, "POST", "/api/v1/agents", &body);
    sink_.record(Kind::create, reply.status, reply.latency);
    if (reply.ok()) {
      auto agent = agentFrom(reply.json(), number, tenant);
      if (agent) {
        ++created_;
        return agent;
      }
      fail("creating " + profile.username + ": the answer has no agent id: " + reply.body.substr(0, 120));
      return std::nullopt;
    }
    if (reply.status == 409) return lookUp(http, tenant, number);
    if (reply.status == 429 || reply.status == 503) {
      waitToRetry("POST /api/v1/agents", reply);
      continue;
    }
    if (reply.status == 0 && ++networkFailures <= kNetworkRetries) {
      if (stop_.waitFor(500ms * (1 << networkFailures))) break;
      continue;
    }
    fail("creating " + profile.username + ": " + reply.describe());
    return std::nullopt;
  }
  return std::nullopt;
}

std::optional<SimAgent> Roster::lookUp(HttpClient& http, std::size_t tenant, int number) {
  const auto profile = profileFor(options_, number);
  // The email is a substring of no other simulated agent's, unlike sim_1 (which matches sim_10..sim_1999).
  const Reply reply = sessions_[tenant]->call(http, "GET", searchPath(profile.email, 1));
  sink_.record(Kind::lookup, reply.status, reply.latency);
  const auto body = reply.json();
  if (reply.ok() && body.is_object() && body.contains("data") && body["data"].is_array()) {
    for (const auto& item : body["data"]) {
      if (item.value("username", std::string()) != profile.username) continue;
      auto agent = agentFrom(item, number, tenant);
      if (!agent) break;
      if (!item.value("isActive", true)) reactivate(http, *agent);
      ++reused_;
      return agent;
    }
  }
  fail("creating " + profile.username + ": 409 (username or email taken), but " + sessions_[tenant]->username() +
       " cannot see it" + (reply.ok() ? std::string() : ": search answered " + reply.describe()));
  return std::nullopt;
}

void Roster::waitToRetry(const std::string& what, const Reply& reply) {
  if (!toldRateLimit_.exchange(true)) {
    progress_.finish();
    std::fprintf(stderr,
                 "agentsim: the server rate-limits %s (%s, retry after %ds); waiting. For a simulation, run it with "
                 "MONTI_RATELIMIT_ENABLED=false or raise MONTI_RATELIMIT_ROUTES\n",
                 what.c_str(), reply.describe().c_str(), reply.retryAfterSeconds);
  }
  stop_.waitFor(std::chrono::seconds(std::max(reply.retryAfterSeconds, 1)));
}

void Roster::fail(const std::string& why) {
  ++failed_;
  note(why);
}

void Roster::note(const std::string& why) {
  std::lock_guard lock(messagesMutex_);
  if (messages_.size() < kMessagesKept) {
    messages_.push_back(why);
  } else if (messages_.size() == kMessagesKept) {
    messages_.emplace_back("(further failures not shown)");
  }
}

}  // namespace monti::agentsim
