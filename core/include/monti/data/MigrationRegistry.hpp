#pragma once
/// Where a plugin keeps its schema migrations.

#include <string_view>

namespace monti::data {

class MigrationRegistry {
 public:
  virtual ~MigrationRegistry() = default;
  /// A folder of NNNN_name.up.sql / NNNN_name.down.sql files, relative to the plugin's resource folder
  /// (`<plugins.dir>/<name>/`). Throws RegistrationError when it does not exist.
  virtual void dir(std::string_view relativePath) = 0;
};

}  // namespace monti::data
