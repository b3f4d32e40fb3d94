#pragma once

#include <string>
#include <string_view>

namespace monti::obs {

/// Masks what looks like a credential inside free text before it is logged: the password of any
/// `scheme://user:password@host`, and the value after `password=`, `secret=` or `token=`.
/// A last line of defence for exception messages from libraries; code must not log secrets at all.
std::string redactSecrets(std::string_view text);

}  // namespace monti::obs
