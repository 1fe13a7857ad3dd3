# Installs the library, its headers and a relocatable CMake package so that a host project can
# find_package(oneid) and link oneid::oneid.
include(CMakePackageConfigHelpers)
set(ONEID_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/oneid)

install(TARGETS oneid EXPORT oneidTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY include/oneid DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
if(TARGET oneid_cli)
  install(TARGETS oneid_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()
install(EXPORT oneidTargets NAMESPACE oneid:: DESTINATION ${ONEID_CMAKE_DIR})
export(EXPORT oneidTargets NAMESPACE oneid:: FILE ${PROJECT_BINARY_DIR}/oneidTargets.cmake)

configure_package_config_file(cmake/oneidConfig.cmake.in
  ${PROJECT_BINARY_DIR}/oneidConfig.cmake INSTALL_DESTINATION ${ONEID_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/oneidConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/oneidConfig.cmake ${PROJECT_BINARY_DIR}/oneidConfigVersion.cmake
              cmake/FindPhoneNumber.cmake cmake/FindxxHash.cmake cmake/FindXGBoost.cmake
        DESTINATION ${ONEID_CMAKE_DIR})
