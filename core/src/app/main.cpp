#include "app/MontiApp.hpp"

int main(int argc, char** argv) {
  monti::app::MontiApp app;
  return app.execute(argc, argv);
}
