# Every dependency comes from Debian's packages; docs/dependencies.md says why each is here.
find_package(absl REQUIRED)
find_package(Boost 1.74 REQUIRED)
find_package(Eigen3 3.3 REQUIRED NO_MODULE)
find_package(OpenSSL REQUIRED)
find_package(PhoneNumber REQUIRED)
find_package(xxHash REQUIRED)
