#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace monti::http {

/// Decodes %XX escapes (and '+' as space when `plusAsSpace`). nullopt on a malformed escape.
std::optional<std::string> percentDecode(std::string_view text, bool plusAsSpace);

}  // namespace monti::http
