#include "engine/domain/fiber_parking.h"

namespace motcua {
namespace {

thread_local FiberParker* current_parker = nullptr;

}  // namespace

FiberParker* FiberParker::Current() {
  return current_parker;
}

void FiberParker::SetCurrent(FiberParker* parker) {
  current_parker = parker;
}

}  // namespace motcua
