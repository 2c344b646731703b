// thread_name.h: names the calling thread, as `top -H`, `ps -L`, perf and
// gdb show it, so that an operator can tell the I/O thread from the writer.
#pragma once

#include <string_view>

namespace motcua {

// Sets the calling thread's name to the first 15 bytes of `name` (the
// kernel's limit). Best effort: does nothing where Linux's
// /proc/thread-self/comm is missing.
void NameThisThread(std::string_view name);

}  // namespace motcua
