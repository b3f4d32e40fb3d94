#pragma once
/// The hook_deliveries table: one row per (hook, event), claimed by workers under a lease.

#include <monti/data/Database.hpp>
#include <monti/events/Event.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace monti::hooks {

/// One (event, hook) pair to deliver.
struct DeliveryRequest {
  const events::Event* event = nullptr;
  std::string hook;
  int maxAttempts = 1;
};

/// A delivery this node claimed; `attempt` counts the attempt now starting (1 for the first).
struct ClaimedDelivery {
  std::int64_t id = 0;
  std::string hook;
  nlohmann::json event;  ///< Event::toJson(): what handle() receives
  int attempt = 0;
  int maxAttempts = 0;
  double eventCreatedAt = 0;  ///< unix seconds, for the commit-to-start lag
};

/// What one attempt came to.
struct AttemptOutcome {
  std::int64_t id = 0;
  bool ok = false;
  std::string error;                     ///< why it failed (empty when ok)
  double startedAt = 0;                  ///< unix seconds when handle() started; 0 when it never did
  double durationMs = 0;                 ///< of the run
  std::chrono::milliseconds retryIn{0};  ///< when it failed and attempts remain
};

/// A recorded outcome as it landed: "done", "failed" or "dead".
struct SettledDelivery {
  std::string hook;
  std::string status;
};

/// GET /api/v1/hooks/deliveries filters.
struct DeliveryQuery {
  std::string tenant;
  std::optional<std::string> status;  ///< pending | running | failed | dead | done
  std::optional<std::string> hook;
  int page = 1;
  int limit = 20;
};

/// A statement and its parameters, for an executor that is not the pool (the relay's own connection).
struct Statement {
  std::string sql;
  data::Params params;
};

/// SQL for the delivery lifecycle. Every statement is one round trip whatever the batch size; the row
/// states are described in migrations/0004_hook_deliveries.up.sql. Thread-safe.
class DeliveryStore {
 public:
  /// `nodeId` names this process in claimed_by: an outcome is recorded only by the node holding the claim.
  DeliveryStore(data::Database& database, std::string nodeId);

  /// The INSERT for `requests` (one statement; a (hook, event) pair already there is skipped, so an event
  /// relayed twice is delivered once). Executed by the caller inside its own transaction.
  static Statement enqueueStatement(const std::vector<DeliveryRequest>& requests);

  /// Claims up to `limit` due deliveries of the hooks this node runs, oldest first, for `lease`.
  std::vector<ClaimedDelivery> claim(int limit, const std::vector<std::string>& hooks, std::chrono::milliseconds lease);
  /// Records outcomes (one statement). A failure with attempts left becomes `failed` until retryIn has
  /// passed, else `dead`. An outcome whose claim was lost (the lease ran out meanwhile) is ignored.
  std::vector<SettledDelivery> complete(const std::vector<AttemptOutcome>& outcomes);
  /// Gives back claimed deliveries that never started (this node is stopping): due again at once, the
  /// claim's attempt not counted.
  void release(const std::vector<std::int64_t>& ids);
  /// Attempts whose lease ran out (their node stopped, or the run hung) count as failed attempts and are
  /// due again at once (or dead when none is left). Returns one entry per delivery taken back.
  std::vector<SettledDelivery> reclaimExpired();

  /// `{data, meta}` like every paged list, newest first, for one tenant.
  nlohmann::json list(const DeliveryQuery& query);
  /// Makes a dead, failed or done delivery due again with a fresh set of attempts. nullopt when the tenant
  /// has no such delivery; throws http::Conflict while it is pending or running.
  std::optional<nlohmann::json> replay(std::int64_t id, const std::string& tenant);
  /// Deliveries waiting for an attempt (pending or failed), due or not: the backlog gauge.
  std::int64_t backlog();

 private:
  data::Database& database_;
  std::string nodeId_;
};

}  // namespace monti::hooks
