# Installs the already-built oneid into a scratch prefix, then configures, builds and runs a host
# project that finds it with find_package(oneid) — exactly what a CRM vendor does.
#   -DPROJECT_DIR=<host project>  -DEXECUTABLE=<its program>  -DEXPECT=<regex its output must match>
#   -DRUNNER=<command>  optional, a ;-list: run `<command> <program>` instead of the program itself
#                       (the HTTP example's load test starts the server it is given)
file(REMOVE_RECURSE ${BINARY_DIR})
set(prefix ${BINARY_DIR}/prefix)
execute_process(COMMAND ${CMAKE_COMMAND} --install ${BUILD_TREE} --prefix ${prefix}
                RESULT_VARIABLE rc OUTPUT_QUIET)
if(rc)
  message(FATAL_ERROR "installing oneid failed: ${rc}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -S ${PROJECT_DIR} -B ${BINARY_DIR}/build
                        -G ${GENERATOR} -DCMAKE_PREFIX_PATH=${prefix} "-DCMAKE_CXX_FLAGS=${CXX_FLAGS} ${WARNING_FLAGS}"
                        -DCMAKE_CXX_COMPILER=${CXX_COMPILER}
                        "-DCMAKE_EXE_LINKER_FLAGS=${CXX_FLAGS}"
                RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "configuring the consumer failed: ${rc}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build ${BINARY_DIR}/build RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "building the consumer failed: ${rc}")
endif()
execute_process(COMMAND ${RUNNER} ${BINARY_DIR}/build/${EXECUTABLE} OUTPUT_VARIABLE out RESULT_VARIABLE rc)
message(STATUS "${EXECUTABLE} printed: ${out}")
if(rc OR NOT out MATCHES "${EXPECT}")
  message(FATAL_ERROR "the consumer did not run as expected: ${rc}")
endif()
