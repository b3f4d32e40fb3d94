#include "data/PgArray.hpp"

namespace monti::data {

std::vector<std::string> parseTextArray(std::string_view literal) {
  std::vector<std::string> items;
  if (literal.size() < 2 || literal.front() != '{' || literal.back() != '}') return items;
  literal = literal.substr(1, literal.size() - 2);
  std::string current;
  bool quoted = false;
  bool any = false;
  for (std::size_t i = 0; i < literal.size(); ++i) {
    const char c = literal[i];
    if (quoted) {
      if (c == '\\' && i + 1 < literal.size())
        current += literal[++i];
      else if (c == '"')
        quoted = false;
      else
        current += c;
    } else if (c == '"') {
      quoted = true;
      any = true;
    } else if (c == ',') {
      items.push_back(std::move(current));
      current.clear();
    } else {
      current += c;
      any = true;
    }
  }
  if (any || !items.empty()) items.push_back(std::move(current));
  return items;
}

std::string formatTextArray(const std::vector<std::string>& items) {
  std::string out = "{";
  for (const auto& item : items) {
    if (out.size() > 1) out += ',';
    out += '"';
    for (char c : item) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  out += '}';
  return out;
}

}  // namespace monti::data
