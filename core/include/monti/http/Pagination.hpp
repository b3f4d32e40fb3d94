#pragma once
/// CONTRACT.md pagination: page ≥ 1 (default 1), limit 1..100 (default 20, larger values capped to 100).

#include <monti/http/Request.hpp>

namespace monti::http {

struct Page {
  int page = 1;
  int limit = 20;
  std::int64_t offset() const noexcept { return static_cast<std::int64_t>(page - 1) * limit; }
};

/// Reads `page` and `limit` from the query. A page or limit below 1 or not a number → BadRequest naming
/// the field; a limit above 100 becomes 100.
Page parsePage(const Request& request);

}  // namespace monti::http
