#include "auth/crypto/StrictJson.hpp"

#include <set>
#include <string>
#include <vector>

namespace monti::auth::crypto {

namespace {

using Json = nlohmann::json;

/// nlohmann's DOM builder with one extra rule: a member name repeated inside one object stops the parse.
/// A SAX handler rather than a parse callback, which would copy every value through std::function.
class StrictDomSax {
 public:
  explicit StrictDomSax(Json& out) : dom_(out, /*allow_exceptions=*/false) {}

  bool null() { return dom_.null(); }
  bool boolean(bool value) { return dom_.boolean(value); }
  bool number_integer(Json::number_integer_t value) { return dom_.number_integer(value); }
  bool number_unsigned(Json::number_unsigned_t value) { return dom_.number_unsigned(value); }
  bool number_float(Json::number_float_t value, const std::string& text) { return dom_.number_float(value, text); }
  bool string(std::string& value) { return dom_.string(value); }
  bool binary(Json::binary_t& value) { return dom_.binary(value); }
  bool start_object(std::size_t size) {
    names_.emplace_back();
    return dom_.start_object(size);
  }
  bool key(std::string& name) { return names_.back().insert(name).second && dom_.key(name); }
  bool end_object() {
    names_.pop_back();
    return dom_.end_object();
  }
  bool start_array(std::size_t size) { return dom_.start_array(size); }
  bool end_array() { return dom_.end_array(); }
  bool parse_error(std::size_t /*position*/, const std::string& /*token*/, const nlohmann::detail::exception& /*e*/) {
    return false;
  }

 private:
  nlohmann::detail::json_sax_dom_parser<Json> dom_;
  std::vector<std::set<std::string, std::less<>>> names_;  // member names seen in each open object
};

}  // namespace

std::optional<nlohmann::json> parseStrictJsonObject(std::string_view text) {
  try {
    Json value;
    StrictDomSax sax(value);
    if (!Json::sax_parse(text, &sax) || !value.is_object()) return std::nullopt;
    return value;
  } catch (const std::exception&) {
    return std::nullopt;  // allocation failure
  }
}

}  // namespace monti::auth::crypto
