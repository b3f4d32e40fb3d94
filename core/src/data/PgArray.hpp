#pragma once
/// PostgreSQL array literals for statement parameters ($1::text[], $1::bigint[]) and results.

#include <string>
#include <string_view>
#include <vector>

namespace monti::data {

/// Parses a PostgreSQL text[] literal ({a,"b c"}) as returned in text format.
std::vector<std::string> parseTextArray(std::string_view literal);
/// Formats a text[] literal for a parameter ($1::text[]); every element is quoted, so any text is safe.
std::string formatTextArray(const std::vector<std::string>& items);

}  // namespace monti::data
