// A shared library without monti_plugin_info(): the loader must say the entry point is missing.
extern "C" __attribute__((visibility("default"))) int not_a_monti_plugin() { return 42; }
