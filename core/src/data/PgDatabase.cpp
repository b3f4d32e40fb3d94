#include "data/PgDatabase.hpp"

namespace monti::data {
namespace {

class PooledTransaction final : public Transaction {
 public:
  explicit PooledTransaction(PgPool::Lease lease) : lease_(std::move(lease)), tx_(*lease_) {}
  Rows exec(std::string_view sql, const Params& params) override { return lease_->exec(sql, params); }
  void commit() override { tx_.commit(); }

 private:
  PgPool::Lease lease_;  // declared first: the transaction guard must end before the lease returns
  PgTransaction tx_;
};

}  // namespace

PgDatabase::PgDatabase(PgPool::Settings primary, std::optional<PgPool::Settings> replica, obs::MetricsRegistry& metrics)
    : primary_(std::move(primary), metrics) {
  if (replica) replica_ = std::make_unique<PgPool>(std::move(*replica), metrics);
}

Rows PgDatabase::exec(std::string_view sql, const Params& params) { return primary_.acquire()->exec(sql, params); }

Rows PgDatabase::read(std::string_view sql, const Params& params) {
  return (replica_ ? *replica_ : primary_).acquire()->exec(sql, params);
}

std::unique_ptr<Transaction> PgDatabase::begin() { return std::make_unique<PooledTransaction>(primary_.acquire()); }

}  // namespace monti::data
