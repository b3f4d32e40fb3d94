#pragma once

#include <monti/http/Request.hpp>

#include <string>
#include <string_view>

namespace monti::http {

/// The value of the first header named `name` (compared ignoring case), or nullptr.
const std::string* findHeader(const Request::Pairs& headers, std::string_view name) noexcept;

}  // namespace monti::http
