#include "engine/domain/thread_name.h"

#include <fstream>

namespace motcua {

void NameThisThread(std::string_view name) {
  // Writing the thread's comm file is what pthread_setname_np does on
  // Linux; the domain layer keeps to the standard library.
  std::ofstream comm("/proc/thread-self/comm");
  comm << name.substr(0, 15);
}

}  // namespace motcua
