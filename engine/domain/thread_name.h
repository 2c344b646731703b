// thread_name.h: names the calling thread, as `top -H`, `ps -L`, perf and
// gdb show it, so that an operator can tell the I/O thread from the writer.
#pragma once

#include <pthread.h>

namespace motcua {

// `name`: at most 15 bytes (the kernel's limit); a longer one is cut.
inline void NameThisThread(const char* name) {
  char cut[16] = {};
  for (int i = 0; i < 15 && name[i] != '\0'; ++i) cut[i] = name[i];
  pthread_setname_np(pthread_self(), cut);
}

}  // namespace motcua
