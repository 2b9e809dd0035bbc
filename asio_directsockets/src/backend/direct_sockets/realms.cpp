// -pthread builds (docs/threading.md "In the browser"): which thread's JS holds a socket's Direct
// Sockets object (its realm), and what happens to a thread's sockets when it ends. Without
// -pthread there is one realm and every check here is true.
#include "record.hpp"

#include <asio_directsockets/detail/backend/direct_sockets/bridge.hpp>

#include <boost/system/errc.hpp>

namespace asio_directsockets::detail::ds {

error_code wrong_thread() {
  return make_error_code(boost::system::errc::resource_deadlock_would_occur);
}

#if defined(__EMSCRIPTEN_PTHREADS__)
namespace {

// The end of a thread that used the bridge: its sockets close (their pending operations complete
// with operation_aborted) and stay closed, usable by no thread (their JS is gone), and its JS
// forgets everything, for the next pthread Emscripten runs in the same Worker.
void end_this_realm() {
  for (record* r : records_claimed_by_this_thread()) {
    let_go(*r);
    r->handle = 0;
    r->realm_ended = true;
  }
  reap_orphans();
  ads_realm_end();
}

struct realm_end_guard {
  ~realm_end_guard() { end_this_realm(); }
};

}  // namespace

void enter_realm() {
  // Constructed on the thread's first call, destroyed when the thread ends; what the guard's end
  // uses is constructed first, so it is destroyed after it.
  touch_thread_state();
  thread_local realm_end_guard guard;
  (void)guard;
}

void claim_realm(record& r) {
  enter_realm();
  r.realm = pthread_self();
}

bool in_realm(const record& r) {
  return !r.realm_ended && (!r.realm || pthread_equal(r.realm, pthread_self()));
}
#else
void enter_realm() {}
void claim_realm(record&) {}
bool in_realm(const record&) {
  return true;
}
#endif

}  // namespace asio_directsockets::detail::ds
