#include <monti/http/Errors.hpp>
#include <monti/http/Pagination.hpp>

#include <charconv>

namespace monti::http {
namespace {

int positive(const Request& request, const char* name, int fallback) {
  const auto raw = request.query(name);
  if (!raw) return fallback;
  long long value = 0;
  auto [end, ec] = std::from_chars(raw->data(), raw->data() + raw->size(), value);
  if (raw->empty() || ec == std::errc::invalid_argument || end != raw->data() + raw->size()) {
    throw BadRequest::field(name, "must be a whole number");
  }
  if (ec == std::errc::result_out_of_range || value > 1'000'000'000) value = 1'000'000'000;
  if (value < 1) throw BadRequest::field(name, "must be at least 1");
  return static_cast<int>(value);
}

}  // namespace

Page parsePage(const Request& request) {
  Page page;
  page.page = positive(request, "page", 1);
  page.limit = std::min(positive(request, "limit", 20), 100);
  return page;
}

}  // namespace monti::http
