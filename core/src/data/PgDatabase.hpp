#pragma once

#include "data/PgPool.hpp"

#include <monti/data/Database.hpp>

#include <memory>

namespace monti::data {

/// monti::data::Database over a primary pool and, when configured, a read-replica pool.
class PgDatabase final : public Database {
 public:
  PgDatabase(PgPool::Settings primary, std::optional<PgPool::Settings> replica, obs::MetricsRegistry& metrics);

  Rows exec(std::string_view sql, const Params& params = {}) override;
  Rows read(std::string_view sql, const Params& params = {}) override;
  std::unique_ptr<Transaction> begin() override;

 private:
  PgPool primary_;
  std::unique_ptr<PgPool> replica_;
};

}  // namespace monti::data
