# Build-wide options: compiler cache, warnings, sanitizers and coverage.

find_program(CCACHE_PROGRAM ccache)
if(CCACHE_PROGRAM)
  set(CMAKE_CXX_COMPILER_LAUNCHER ${CCACHE_PROGRAM})
endif()

option(MONTI_WERROR "Treat warnings in project code as errors" OFF)
option(MONTI_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
option(MONTI_COVERAGE "Instrument for line coverage (gcov)" OFF)

# Applied to project targets only (third-party headers come in as SYSTEM includes).
function(monti_project_target target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
                                           -Wold-style-cast -Wcast-align -Wnull-dereference)
  if(MONTI_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

if(MONTI_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

if(MONTI_COVERAGE)
  add_compile_options(--coverage -O0)
  add_link_options(--coverage)
endif()
