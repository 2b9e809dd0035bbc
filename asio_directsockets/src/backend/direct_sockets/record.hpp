// The backend's state of one socket (private to src/backend/direct_sockets):
// what it is, how far it has opened, its options and endpoints, and the
// operations queued in each direction. descriptors.cpp owns the table;
// operations.cpp runs the queues.
#pragma once

#include <asio_directsockets/detail/backend/direct_sockets/backend.hpp>

#include <sys/socket.h>

#if defined(__EMSCRIPTEN_PTHREADS__)
#include <pthread.h>

#include <atomic>
#endif

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace asio_directsockets::detail::ds {

// What the socket is: a TCP connection (connecting, connected or accepted), a TCP listener
// (after listen()), or a UDP socket.
enum class socket_kind { stream, listener, datagram };

// How far its Direct Sockets object has come. A stream that failed to connect is unopened
// again (a failed TCPSocket cannot be reused); a listener or datagram socket that failed to
// open stays failed, with open_result saying why.
enum class phase { unopened, opening, open, failed };

struct record {
  int fd = -1;
  int family = AF_INET;
  socket_kind kind = socket_kind::stream;
  phase state = phase::unopened;
  int handle = 0;               // the bridge's handle once the Direct Sockets object exists
  int open_result = 0;          // a bridge result code when failed
  int open_id = 0;              // the open's op id while opening
  ds_op* connecting = nullptr;  // the connect waiting for the open
  op_queue queue[directions];
  int in_flight[directions] = {};  // the op id of each queue's front while the bridge has it
  // An ads_cancel() aimed at one operation aborts the socket's others too: those come back
  // operation_aborted and start again.
  bool restart_aborted[directions] = {};
  bool connected_mode = false;  // a UDPSocket opened with a remote address only
  bool have_local = false, have_remote = false;
  std::string local_address, remote_address;
  int local_port = 0, remote_port = 0;
  std::map<std::pair<int, int>, std::string> options;  // (level, name) -> bytes
#if defined(__EMSCRIPTEN_PTHREADS__)
  // The thread whose JS holds the Direct Sockets object (0 until one exists): only that thread
  // can reach it and receive its completions (docs/threading.md "In the browser").
  pthread_t realm{};
  // The context of its latest operation (its browser_reactor), which a close from another
  // thread wakes so that the realm's thread lets go of the socket (reap_orphans).
  std::atomic<void*> last_owner{nullptr};
  bool realm_ended = false;  // that thread has ended: closed for good
#endif

  bool connected() const {
    return kind == socket_kind::stream && state == phase::open;
  }
};

// The socket of fd, or nullptr. Safe from any thread; the record itself is only touched by
// its realm's thread (or, before it has one, by the thread that uses it).
record* find(int fd);
// The socket of fd for a call from this thread, or nullptr with ec set: bad_descriptor, or
// wrong_thread() for another thread's socket.
record* find_here(int fd, error_code& ec);
// Every record this thread may use (its own, and those with no Direct Sockets object yet), for
// context teardown.
std::vector<record*> records_of_this_thread();
// Every record whose Direct Sockets object this thread holds (-pthread builds; none without).
std::vector<record*> records_claimed_by_this_thread();
// Closes r on its realm's thread (the descriptor is already out of the table): its operations
// complete with operation_aborted, its Direct Sockets object closes.
void let_go(record& r);

// Realms (realms.cpp). -pthread builds (docs/threading.md "In the browser"): the calling thread
// is about to create
// r's Direct Sockets object, which then lives in its JS.
void claim_realm(record& r);
// -pthread builds: the calling thread uses the bridge; when it ends, its sockets close and its JS
// lets go of everything (ads_realm_end). No-op without -pthread.
void enter_realm();
// Constructs this thread's backend state (the op table, the event loop's list) now.
void touch_thread_state();
// Whether the calling thread may use r: its Direct Sockets object lives in this thread's JS,
// or none exists yet. Always true without -pthread.
bool in_realm(const record& r);
// Sockets closed by another thread than their realm's: this thread lets go of those it holds.
void reap_orphans();

// Starts the queued operations of each direction that can start (operations.cpp).
void pump(record& r);
// The socket's open finished (operations.cpp): result is a bridge code.
void opened(record& r, int result);
// A new op id naming (r, slot): slot is a direction, or open_slot.
constexpr int open_slot = directions;
int new_op_id(record& r, int slot);
void release_op_id(int id);
// Aborts every operation of r: those already finished first complete with their result.
void abort_all(record& r);
// Blocking mode: waits until r is no longer opening (returns at once in callback mode).
void wait_for_open(record& r);
// The UDP socket opens on first use (operations that need it wait for the open): 0, or the
// bridge code of a failure to start opening.
int open_datagram(record& r);
// A bound UDPSocket that the program connected: the bridge drops datagrams from others.
void filter_udp_peer(record& r);
// A connection the listener accepted becomes a socket: its descriptor.
int adopt_accepted(int family, int handle);

// Options become constructor arguments (Direct Sockets has no setsockopt).
int option_int(const record& r, int level, int name, int unset);
int buffer_arg(const record& r, int name);
int v6only_arg(const record& r);

// Addresses (addresses.cpp): sockaddr <-> (text, port); 240.0.0.0/8 turns back into a name.
bool to_text(const sockaddr* addr, std::size_t len, std::string& host, int& port);
// A resolver placeholder (an address in 240.0.0.0/8 that stands for a host name)?
bool is_placeholder(const sockaddr* addr, std::size_t len);
// The name this machine answers to (gethostname(), what ip::host_name() returns)?
bool names_this_host(const std::string& name);
void from_text(const char* host, int port, int family, sockaddr* addr, std::size_t* len);
// An IPv6 address for an IPv4 socket: Linux refuses it with EAFNOSUPPORT (connect, bind,
// sendto) instead of reaching the address. (An IPv4 address on an IPv6 socket is used
// v4-mapped.)
inline bool wrong_family(const record& r, const sockaddr* addr) {
  return r.family == AF_INET && addr && addr->sa_family == AF_INET6;
}

}  // namespace asio_directsockets::detail::ds
