// A host project that only knows the installed oneid package.
#include <iostream>

#include "oneid/oneid.h"

int main() {
  using namespace oneid::identity;
  auto resolver = Resolver::Create(DefaultIdentityConfig());
  if (!resolver.ok()) return 1;
  AccountTable table({{"phone", "phone"}});
  if (!table.AddRow("pos:1", "pos", {"138 0013 8000"}).ok()) return 1;
  if (!table.AddRow("app:7", "app", {"+86 13800138000"}).ok()) return 1;
  if (!resolver->AddBatch(table).ok()) return 1;
  const bool same = *resolver->OneIdOf("pos:1") == *resolver->OneIdOf("app:7");
  std::cout << "same person: " << (same ? "yes" : "no") << "\n";
  return same ? 0 : 1;
}
