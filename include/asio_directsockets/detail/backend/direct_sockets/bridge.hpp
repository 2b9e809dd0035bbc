// The JavaScript side of the Direct Sockets backend, as C sees it: the
// imports implemented by the bridge (asio_directsockets/js/bridge/) and its
// result codes. The contract is asio_directsockets/js/bridge/contract.json
// (docs/browser-bridge.md); asio_directsockets/js/test/contract.test.js
// checks that this file agrees with it.
#pragma once

#include <boost/system/error_code.hpp>

#include <climits>
#include <cstddef>

extern "C" {
int ads_tcp_connect(int op, const char* host, int port, int no_delay, int keep_alive_delay_ms,
                    int send_buffer, int receive_buffer, int dns_query_type);
int ads_tcp_listen(int op, const char* local_address, int local_port, int backlog, int ipv6_only);
void ads_accept(int handle, int op);
// The transfers: done now (bytes >= 0, or -code), or -pending (op completes later). With op 0,
// a non-blocking attempt: never pending (-would_block), keeping no pointer.
int ads_read(int handle, int op, void* buf, int len);
int ads_write(int handle, int op, const void* buf, int len);
int ads_udp_open(int op, const char* remote_address, int remote_port, const char* local_address,
                 int local_port, int send_buffer, int receive_buffer, int ipv6_only);
int ads_udp_send(int handle, int op, const void* buf, int len, const char* address, int port);
int ads_udp_receive(int handle, int op, void* buf, int len, char* from_address, int* from_port);
int ads_endpoint(int handle, int which, char* address_out, int* port_out);
int ads_available(int handle);
void ads_cancel(int handle);
void ads_shutdown_send(int handle);
void ads_close(int handle);
void ads_abort(int handle);
void ads_poll(int handle, int op, int dir);
int ads_udp_connect(int handle, const char* address, int port);
int ads_pipe_eof(int fd);
int ads_multicast(int handle, int join, const char* group);
void ads_take_completions(void);
void ads_schedule_drain(int timeout_ms);
// timeout_ms: > 0 a limit, -1 none, 0 no wait, ads_wait_yield one macrotask.
int ads_wait(int timeout_ms);
int ads_can_block(void);
// -pthread builds: until *word differs from `seen` (another thread changed it and notified), then
// end the current ads_wait or, in callback mode, schedule a drain (cross_thread_wake.hpp).
void ads_watch_wake(int* word, int seen);
// -pthread builds: this thread ends; its JS lets go of every socket, op and wait it holds (its
// Worker serves the next pthread).
void ads_realm_end(void);
}

namespace asio_directsockets::detail::ds {

constexpr int ads_wait_yield = -2;

// Result codes shared with the JS bridge.
enum result : int {
  ok = 0,
  eof = 1,
  connection_refused = 2,
  host_unreachable = 3,
  timed_out = 4,
  access_denied = 5,
  invalid_argument = 6,
  connection_reset = 7,
  broken_pipe = 8,
  operation_aborted = 9,
  host_not_found = 10,
  network_down = 11,
  address_in_use = 12,
  not_connected = 13,
  bad_descriptor = 14,
  not_supported = 15,
  message_size = 16,
  no_buffer_space = 17,
  would_block = 18,
  pending = 19,  // a transfer's -pending: not a result, the op completes later
};

// Maps a bridge result to the boost::asio::error value a native program
// would see in the same situation (docs/errors.md).
boost::system::error_code to_error_code(int result);

// The code inside a failed call's result (-code). The bridge is untrusted: INT_MIN has no
// positive twin, so it becomes a code no build knows, which to_error_code maps to fault.
constexpr int failure_code(int negative_result) noexcept {
  return negative_result == INT_MIN ? INT_MAX : -negative_result;
}

}  // namespace asio_directsockets::detail::ds
