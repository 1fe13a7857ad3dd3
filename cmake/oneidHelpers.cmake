# Small helpers that keep the per-folder target lists declarative.

function(oneid_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wno-unused-parameter)
  if(ONEID_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

# oneid_add_test(NAME name SOURCES a.cc [b.cc] [LIBS extra])
function(oneid_add_test)
  cmake_parse_arguments(ARG "" "NAME" "SOURCES;LIBS" ${ARGN})
  add_executable(${ARG_NAME} ${ARG_SOURCES})
  target_link_libraries(${ARG_NAME} PRIVATE oneid::oneid GTest::gmock GTest::gtest_main ${ARG_LIBS})
  target_include_directories(${ARG_NAME} PRIVATE ${PROJECT_SOURCE_DIR}/tests/cpp)
  target_compile_definitions(${ARG_NAME} PRIVATE
    ONEID_TEST_DATA_DIR="${PROJECT_SOURCE_DIR}/tests/data")
  oneid_set_warnings(${ARG_NAME})
  gtest_discover_tests(${ARG_NAME} DISCOVERY_TIMEOUT 60 PROPERTIES TIMEOUT 600)
endfunction()

# oneid_add_benchmark(NAME name SOURCES a.cc)
function(oneid_add_benchmark)
  cmake_parse_arguments(ARG "" "NAME" "SOURCES;LIBS" ${ARGN})
  add_executable(${ARG_NAME} ${ARG_SOURCES})
  target_link_libraries(${ARG_NAME} PRIVATE oneid::oneid benchmark::benchmark ${ARG_LIBS})
  oneid_set_warnings(${ARG_NAME})
endfunction()
