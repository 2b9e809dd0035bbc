// A cancellation signal may outlive the operation and the I/O object it was
// bound to. Emitting it then is harmless here: the handler left in the slot
// names an operation that no longer exists, and the descriptor/timer state it
// points at is pooled, so it finds nothing (stock Asio would touch the freed
// socket). Checked by giving the same pooled state to a new object first.
#include "helpers.hpp"

#include <array>
#include <optional>

using namespace native;

namespace {

struct read_result {
  bool done = false;
  error_code ec;
  std::size_t n = 0;
};

auto record(read_result& r) {
  return [&r](error_code ec, std::size_t n) {
    r.done = true;
    r.ec = ec;
    r.n = n;
  };
}

}  // namespace

BOOST_AUTO_TEST_SUITE(late_cancellation)

BOOST_AUTO_TEST_CASE(emit_after_read_completed_and_socket_destroyed) {
  net::io_context ioc;
  net::cancellation_signal signal;
  std::array<char, 16> buf{};
  {
    tcp_pair p = make_tcp_pair(ioc);
    read_result first;
    p.client.async_read_some(net::buffer(buf),
                             net::bind_cancellation_slot(signal.slot(), record(first)));
    net::write(p.server, net::buffer("a", 1));
    BOOST_TEST_REQUIRE(run_until(ioc, [&] { return first.done; }));
    BOOST_TEST(!first.ec);
    BOOST_TEST(first.n == 1u);
  }  // both sockets gone; their descriptor states go back to the pool

  // A new connection reuses those states, with a read pending on each side.
  tcp_pair q = make_tcp_pair(ioc);
  read_result client_read, server_read;
  std::array<char, 16> buf2{};
  q.client.async_read_some(net::buffer(buf), record(client_read));
  q.server.async_read_some(net::buffer(buf2), record(server_read));
  ioc.poll();
  BOOST_TEST_REQUIRE(!client_read.done);

  BOOST_TEST(signal.slot().has_handler());  // the stale handler is still installed
  signal.emit(net::cancellation_type::terminal);
  signal.emit(net::cancellation_type::all);
  ioc.poll();
  BOOST_TEST(!client_read.done);  // untouched
  BOOST_TEST(!server_read.done);

  net::write(q.server, net::buffer("b", 1));
  net::write(q.client, net::buffer("c", 1));
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return client_read.done && server_read.done; }));
  BOOST_TEST(!client_read.ec);
  BOOST_TEST(!server_read.ec);

  // The same signal bound to a new operation still cancels that one.
  read_result third;
  q.client.async_read_some(net::buffer(buf),
                           net::bind_cancellation_slot(signal.slot(), record(third)));
  ioc.poll();
  signal.emit(net::cancellation_type::terminal);
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return third.done; }));
  BOOST_TEST(third.ec == net::error::operation_aborted);
}

BOOST_AUTO_TEST_CASE(emit_after_close_aborted_the_op_and_objects_died) {
  net::io_context ioc;
  net::cancellation_signal read_signal, accept_signal, wait_signal;
  {
    tcp_pair p = make_tcp_pair(ioc);
    tcp::acceptor acceptor(ioc, loopback());
    net::steady_timer timer(ioc, 1h);
    std::array<char, 16> buf{};
    read_result read;
    error_code accept_ec, wait_ec;
    int done = 0;
    p.client.async_read_some(net::buffer(buf),
                             net::bind_cancellation_slot(read_signal.slot(), record(read)));
    acceptor.async_accept(
        net::bind_cancellation_slot(accept_signal.slot(), [&](error_code ec, tcp::socket) {
          accept_ec = ec;
          ++done;
        }));
    timer.async_wait(net::bind_cancellation_slot(wait_signal.slot(), [&](error_code ec) {
      wait_ec = ec;
      ++done;
    }));
    ioc.poll();
    p.client.close();
    acceptor.close();
    timer.cancel();
    BOOST_TEST_REQUIRE(run_until(ioc, [&] { return read.done && done == 2; }));
    BOOST_TEST(read.ec == net::error::operation_aborted);
    BOOST_TEST(accept_ec == net::error::operation_aborted);
    BOOST_TEST(wait_ec == net::error::operation_aborted);
  }

  // Fresh objects of every kind, each with an operation pending.
  tcp_pair q = make_tcp_pair(ioc);
  tcp::acceptor acceptor(ioc, loopback());
  net::steady_timer timer(ioc, 1h);
  std::array<char, 16> buf{};
  read_result read;
  bool accepted = false, waited = false;
  q.client.async_read_some(net::buffer(buf), record(read));
  acceptor.async_accept([&](error_code, tcp::socket) { accepted = true; });
  timer.async_wait([&](error_code) { waited = true; });
  ioc.poll();

  for (auto* s : {&read_signal, &accept_signal, &wait_signal})
    s->emit(net::cancellation_type::terminal);
  ioc.poll();
  BOOST_TEST(!read.done);
  BOOST_TEST(!accepted);
  BOOST_TEST(!waited);

  // Clean up: the pending operations are still alive and cancel normally.
  q.client.cancel();
  acceptor.cancel();
  timer.cancel();
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return read.done && accepted && waited; }));
  BOOST_TEST(read.ec == net::error::operation_aborted);
}

BOOST_AUTO_TEST_CASE(emit_after_timer_fired_and_timer_destroyed) {
  net::io_context ioc;
  net::cancellation_signal signal;
  {
    net::steady_timer t(ioc, 1ms);
    error_code ec = net::error::fault;
    bool done = false;
    t.async_wait(net::bind_cancellation_slot(signal.slot(), [&](error_code e) {
      ec = e;
      done = true;
    }));
    BOOST_TEST_REQUIRE(run_until(ioc, [&] { return done; }));
    BOOST_TEST(!ec);
  }
  net::steady_timer other(ioc, 50ms);
  error_code other_ec = net::error::fault;
  bool other_done = false;
  other.async_wait([&](error_code e) {
    other_ec = e;
    other_done = true;
  });
  signal.emit(net::cancellation_type::terminal);
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return other_done; }));
  BOOST_TEST(!other_ec);  // fired, not aborted
}

BOOST_AUTO_TEST_SUITE_END()
