// ThreadSanitizer reads these when a test program starts (the runtime's weak hook), so every
// way of running the TSan build (ctest, run-all.sh, by hand) gets them.
//
// libstdc++.so is not built with -fsanitize=thread, so TSan cannot see the atomic reference
// count inside std::exception_ptr. An exception created on one thread and released on another
// (Asio's use_future hands a connect error from the runner thread to the waiting one) is then
// reported as a race in _M_release, a false positive known to GCC and LLVM users. Only those
// two refcount functions are suppressed; the program's own accesses stay checked.
extern "C" const char* __tsan_default_suppressions() {
  return "race:std::__exception_ptr::exception_ptr::_M_release\n"
         "race:std::__exception_ptr::exception_ptr::_M_addref\n";
}
