#include "app/MontiApp.hpp"

#include <Poco/Util/OptionException.h>

#include <iostream>

int main(int argc, char** argv) {
  monti::app::MontiApp app;
  try {
    return app.run(argc, argv);
  } catch (const Poco::Util::OptionException& e) {
    std::cerr << "monti: " << e.displayText() << " (see monti --help)\n";
    return monti::app::kUsage;
  }
}
