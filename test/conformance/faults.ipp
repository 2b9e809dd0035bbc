// Faults: peers that reset in the middle of a transfer, connects that never complete and are
// timed out through a cancellation slot, storms of cancellations, close() and destruction from
// inside handlers, stop() in the middle of a transfer. Every operation must complete exactly
// once with the exact error_code stock Boost.Asio reports, and nothing may be lost or hang.

BOOST_AUTO_TEST_SUITE(faults)

using namespace conformance;

namespace fault_helpers {

// Leaves data at the server that it has not read, so that its abortive close resets the
// connection on every platform (see tcp_errors.ipp: Direct Sockets resets only then).
void leave_unread_data_at_server(net::io_context& ioc, tcp_pair& p) {
  const std::vector<char> out(4u << 20, 'u');
  std::vector<char> in(1u << 20);
  bool wrote = false, read = false;
  net::async_write(p.client, net::buffer(out), [&](error_code ec, std::size_t n) {
    CONF_CHECK_OK(ec);
    BOOST_TEST(n == out.size());
    wrote = true;
  });
  net::async_read(p.server, net::buffer(in), [&](error_code ec, std::size_t) {
    CONF_CHECK_OK(ec);
    read = true;
  });
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return wrote && read; }));
}

// Writes without blocking until the send path pushes back (the peer does not read).
std::size_t fill_send_path(tcp::socket& s) {
  const std::vector<char> chunk(1 << 16, 'f');
  s.non_blocking(true);
  error_code ec;
  std::size_t filled = 0;
  for (int i = 0; i < 100000 && !ec; ++i)
    filled += s.write_some(net::buffer(chunk), ec);
  CONF_CHECK_EC(ec, net::error::would_block);
  s.non_blocking(false);
  return filled;
}

// Counts completions per operation so that "exactly once" can be checked.
struct completion_log {
  std::vector<int> calls;
  std::vector<error_code> codes;
  std::function<void()> on_record;
  explicit completion_log(std::size_t n) : calls(n, 0), codes(n) {}
  void record(std::size_t i, error_code ec) {
    ++calls[i];
    codes[i] = ec;
    if (on_record) on_record();
  }
  std::size_t done() const {
    return static_cast<std::size_t>(
        std::count_if(calls.begin(), calls.end(), [](int c) { return c > 0; }));
  }
  // Every operation completed exactly once with `expected`.
  void check_all(error_code expected) const {
    std::size_t wrong_count = 0, wrong_code = 0;
    for (std::size_t i = 0; i < calls.size(); ++i) {
      if (calls[i] != 1) ++wrong_count;
      if (codes[i] != expected) ++wrong_code;
    }
    BOOST_TEST(wrong_count == 0u, wrong_count << " of " << calls.size()
                                              << " operations did not complete exactly once");
    BOOST_TEST(wrong_code == 0u, wrong_code << " of " << calls.size() << " operations reported"
                                            << " another code than " << expected.message());
  }
};

}  // namespace fault_helpers

using namespace fault_helpers;

// The peer resets while our read loop is in the middle of a stream: every byte sent before the
// reset is delivered, then the pending read fails with connection_reset. (In the browser the
// reset comes from this program's own server, which has read ahead what it left unread, so
// its abortive close is a FIN: docs/chromium-fin-drop.md.)
BOOST_AUTO_TEST_CASE(peer_reset_mid_read, *boost::unit_test::label("needs_abortive_close")) {
  net::io_context ioc;
  tcp_pair p = make_tcp_pair(ioc);
  leave_unread_data_at_server(ioc, p);

  const std::string message = "0123456789abcdefghij";
  net::write(p.server, net::buffer(message));
  std::string got;
  std::array<char, 7> buf{};
  error_code final_ec;
  std::size_t final_n = 99;
  int failures = 0;
  std::function<void()> read_once = [&] {
    p.client.async_read_some(net::buffer(buf), [&](error_code ec, std::size_t n) {
      if (!ec) {
        got.append(buf.data(), n);
        return read_once();
      }
      final_ec = ec;
      final_n = n;
      ++failures;
    });
  };
  read_once();
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return got.size() == message.size(); }));
  ioc.poll();  // the next read is started and finds nothing
  BOOST_TEST_REQUIRE(failures == 0);

  p.server.set_option(net::socket_base::linger(true, 0));
  p.server.close();
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return failures > 0; }));
  BOOST_TEST(got == message);
  CONF_CHECK_EC(final_ec, net::error::connection_reset);
  BOOST_TEST(final_n == 0u);
  ioc.poll();
  BOOST_TEST(failures == 1);
}

// A write is pending because the peer stopped reading and every buffer is full; the peer then
// resets. The pending write fails with connection_reset, 0 bytes; later writes broken_pipe.
BOOST_AUTO_TEST_CASE(peer_reset_fails_pending_write) {
  net::io_context ioc;
  tcp_pair p = make_tcp_pair(ioc);
  leave_unread_data_at_server(ioc, p);
  fill_send_path(p.client);  // may find it full already (wasm: the 1 MiB staging queue)

  const std::vector<char> chunk(1 << 16, 'p');
  error_code write_ec;
  std::size_t written = 999;
  int calls = 0;
  p.client.async_write_some(net::buffer(chunk), [&](error_code ec, std::size_t n) {
    write_ec = ec;
    written = n;
    ++calls;
  });
  ioc.poll();
  BOOST_TEST_REQUIRE(calls == 0);  // the write is waiting for room

  p.server.set_option(net::socket_base::linger(true, 0));
  p.server.close();
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return calls > 0; }));
  CONF_CHECK_EC(write_ec, net::error::connection_reset);
  BOOST_TEST(written == 0u);

  error_code again;
  BOOST_TEST(p.client.write_some(net::buffer(chunk), again) == 0u);
  CONF_CHECK_EC(again, net::error::broken_pipe);
  ioc.poll();
  BOOST_TEST(calls == 1);
}

// A listener whose backlog is full and that never accepts: the kernel drops further SYNs, so a
// connect stays pending until the program gives up. The timeout is a timer that emits on the
// connect's cancellation slot (callback form), or an awaitable `||` (coroutine form).
// Direct Sockets programs cannot make such a listener (its listeners accept at once).
BOOST_AUTO_TEST_CASE(connect_timeout_through_cancellation_slot,
                     *boost::unit_test::label("needs_full_backlog")) {
  using namespace net::experimental::awaitable_operators;
  net::io_context ioc;
  tcp::acceptor full(ioc);
  full.open(tcp::v4());
  full.bind(loopback(0));
  full.listen(1);  // never accepts
  const tcp::endpoint ep = full.local_endpoint();

  std::vector<std::unique_ptr<tcp::socket>> queued;  // connections the backlog holds
  std::unique_ptr<tcp::socket> stuck;
  error_code stuck_ec;
  clk::duration waited{};
  for (int attempt = 0; attempt < 32 && !stuck; ++attempt) {
    auto s = std::make_unique<tcp::socket>(ioc);
    net::cancellation_signal sig;
    net::steady_timer timeout(ioc, 300ms);
    int calls = 0;
    error_code result;
    const auto t0 = clk::now();
    s->async_connect(ep, net::bind_cancellation_slot(sig.slot(), [&](error_code ec) {
                       result = ec;
                       ++calls;
                       timeout.cancel();
                     }));
    timeout.async_wait([&](error_code ec) {
      if (!ec) sig.emit(net::cancellation_type::terminal);
    });
    BOOST_TEST_REQUIRE(run_until(ioc, [&] { return calls > 0; }));
    ioc.poll();
    BOOST_TEST_REQUIRE(calls == 1);
    if (!result) {
      queued.push_back(std::move(s));
      continue;
    }
    stuck_ec = result;
    waited = clk::now() - t0;
    stuck = std::move(s);
  }
  BOOST_TEST_REQUIRE(static_cast<bool>(stuck), "every connect completed: the backlog never filled");
  CONF_CHECK_EC(stuck_ec, net::error::operation_aborted);
  BOOST_TEST((waited >= 300ms));
  BOOST_TEST(queued.size() >= 1u);

  // The same with a coroutine: the timer wins the `||`, the connect is cancelled.
  std::size_t winner = 99;
  bool done = false;
  net::co_spawn(
      ioc,
      [&]() -> net::awaitable<void> {
        tcp::socket s(co_await net::this_coro::executor);
        net::steady_timer timer(co_await net::this_coro::executor, 200ms);
        auto r = co_await (s.async_connect(ep, net::use_awaitable) ||
                           timer.async_wait(net::use_awaitable));
        winner = r.index();
      },
      report_exception{&done});
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return done; }));
  BOOST_TEST(winner == 1u);
}

// What every platform can do: a connect cancelled through its slot before it completed.
BOOST_AUTO_TEST_CASE(connect_cancelled_through_slot_before_it_completes) {
  net::io_context ioc;
  tcp::acceptor acceptor = make_acceptor(ioc);
  tcp::socket s(ioc);
  net::cancellation_signal sig;
  error_code result;
  int calls = 0;
  s.async_connect(acceptor.local_endpoint(),
                  net::bind_cancellation_slot(sig.slot(), [&](error_code ec) {
                    result = ec;
                    ++calls;
                  }));
  sig.emit(net::cancellation_type::terminal);  // before the context ran at all
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return calls > 0; }));
  CONF_CHECK_EC(result, net::error::operation_aborted);
  sig.emit(net::cancellation_type::terminal);
  ioc.poll();
  BOOST_TEST(calls == 1);
  s.close();

  // The acceptor and a fresh socket are unaffected.
  tcp::socket again(ioc);
  bool connected = false;
  again.async_connect(acceptor.local_endpoint(), [&](error_code ec) {
    CONF_CHECK_OK(ec);
    connected = true;
  });
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return connected; }));
}

// 1000 pending reads, 1000 timer waits and 1000 accepts, all cancelled at once from one
// handler: each completes exactly once with operation_aborted, nothing stays behind (run()
// returns on its own), and the objects stay usable.
BOOST_AUTO_TEST_CASE(cancel_storm_by_object) {
  constexpr int pairs = 100, reads_per_pair = 10, timers = 1000, accepts = 1000;
  net::io_context ioc;
  std::vector<tcp_pair> conns;
  for (int i = 0; i < pairs; ++i)
    conns.push_back(make_tcp_pair(ioc));
  tcp::acceptor acceptor = make_acceptor(ioc);
  std::vector<std::unique_ptr<net::steady_timer>> ts;

  completion_log reads(pairs * reads_per_pair), waits(timers), accepted(accepts);
  std::vector<std::array<char, 4>> bufs(pairs * reads_per_pair);
  for (int i = 0; i < pairs * reads_per_pair; ++i)
    conns[i / reads_per_pair].client.async_read_some(net::buffer(bufs[i]),
                                                     [&, i](error_code ec, std::size_t n) {
                                                       BOOST_TEST(n == 0u);
                                                       reads.record(i, ec);
                                                     });
  for (int i = 0; i < timers; ++i) {
    ts.push_back(std::make_unique<net::steady_timer>(ioc, 1h));
    ts.back()->async_wait([&, i](error_code ec) { waits.record(i, ec); });
  }
  for (int i = 0; i < accepts; ++i)
    acceptor.async_accept([&, i](error_code ec, tcp::socket s) {
      BOOST_TEST(!s.is_open());
      accepted.record(i, ec);
    });
  ioc.poll();
  BOOST_TEST_REQUIRE(reads.done() + waits.done() + accepted.done() == 0u);

  constexpr std::size_t total = pairs * reads_per_pair + timers + accepts;
  watchdog wd(ioc, 30s);
  auto finished = [&] {
    if (reads.done() + waits.done() + accepted.done() == total) wd.disarm();
  };
  reads.on_record = waits.on_record = accepted.on_record = finished;
  net::post(ioc, [&] {
    for (auto& c : conns)
      c.client.cancel();
    for (auto& t : ts)
      t->cancel();
    acceptor.cancel();
  });
  ioc.restart();
  ioc.run();  // returns only when no work is left: nothing may stay pending
  BOOST_TEST(!wd.fired());
  reads.check_all(net::error::operation_aborted);
  waits.check_all(net::error::operation_aborted);
  accepted.check_all(net::error::operation_aborted);

  // Still usable: one byte through the last pair, one connection through the acceptor.
  net::write(conns.back().server, net::buffer("x", 1));
  std::array<char, 1> one{};
  BOOST_TEST(net::read(conns.back().client, net::buffer(one)) == 1u);
  BOOST_TEST(one[0] == 'x');
  tcp::socket late(ioc);
  bool ok_accept = false, ok_connect = false;
  acceptor.async_accept([&](error_code ec, tcp::socket) {
    CONF_CHECK_OK(ec);
    ok_accept = true;
  });
  late.async_connect(acceptor.local_endpoint(), [&](error_code ec) {
    CONF_CHECK_OK(ec);
    ok_connect = true;
  });
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return ok_accept && ok_connect; }));
}

// The same storm through 1000 cancellation slots emitted in one loop: reads spread over
// sockets, timers and accepts, each with its own signal.
BOOST_AUTO_TEST_CASE(cancel_storm_by_slot) {
  constexpr int pairs = 50, reads_per_pair = 6, timers = 400, accepts = 300;
  constexpr int total = pairs * reads_per_pair + timers + accepts;
  net::io_context ioc;
  std::vector<tcp_pair> conns;
  for (int i = 0; i < pairs; ++i)
    conns.push_back(make_tcp_pair(ioc));
  tcp::acceptor acceptor = make_acceptor(ioc);
  std::vector<std::unique_ptr<net::steady_timer>> ts;
  std::vector<net::cancellation_signal> sigs(total);
  completion_log log(total);
  std::vector<std::array<char, 4>> bufs(pairs * reads_per_pair);

  int k = 0;
  for (int i = 0; i < pairs * reads_per_pair; ++i, ++k)
    conns[i / reads_per_pair].client.async_read_some(
        net::buffer(bufs[i]),
        net::bind_cancellation_slot(sigs[k].slot(), [&, k](error_code ec, std::size_t n) {
          BOOST_TEST(n == 0u);
          log.record(k, ec);
        }));
  for (int i = 0; i < timers; ++i, ++k) {
    ts.push_back(std::make_unique<net::steady_timer>(ioc, 1h));
    ts.back()->async_wait(
        net::bind_cancellation_slot(sigs[k].slot(), [&, k](error_code ec) { log.record(k, ec); }));
  }
  for (int i = 0; i < accepts; ++i, ++k)
    acceptor.async_accept(
        net::bind_cancellation_slot(sigs[k].slot(), [&, k](error_code ec, tcp::socket s) {
          BOOST_TEST(!s.is_open());
          log.record(k, ec);
        }));
  ioc.poll();
  BOOST_TEST_REQUIRE(log.done() == 0u);

  for (auto& s : sigs)
    s.emit(net::cancellation_type::terminal);
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return log.done() == std::size_t(total); }));
  for (auto& s : sigs)
    s.emit(net::cancellation_type::terminal);  // again: nothing left to hit
  ioc.restart();
  ioc.run();  // no work may be left behind
  log.check_all(net::error::operation_aborted);
}

// close() from inside a completion handler: the other operations pending on the closed socket
// and acceptor complete with operation_aborted exactly once, and new operations on the closed
// objects fail with bad_descriptor.
BOOST_AUTO_TEST_CASE(close_from_inside_a_handler) {
  net::io_context ioc;
  tcp_pair p = make_tcp_pair(ioc);
  tcp::acceptor acceptor = make_acceptor(ioc);
  std::array<char, 8> b1{}, b2{}, b3{};
  completion_log log(5);
  std::size_t first_n = 0;
  p.client.async_read_some(net::buffer(b1), [&](error_code ec, std::size_t n) {
    log.record(0, ec);
    first_n = n;
    p.client.close();  // the second read below is pending on it
    acceptor.close();  // its accept is pending
    p.client.async_read_some(net::buffer(b3), [&](error_code ec, std::size_t n) {
      BOOST_TEST(n == 0u);
      log.record(3, ec);
    });
    acceptor.async_accept([&](error_code ec, tcp::socket) { log.record(4, ec); });
  });
  p.client.async_read_some(net::buffer(b2), [&](error_code ec, std::size_t n) {
    BOOST_TEST(n == 0u);
    log.record(1, ec);
  });
  acceptor.async_accept([&](error_code ec, tcp::socket s) {
    BOOST_TEST(!s.is_open());
    log.record(2, ec);
  });
  ioc.poll();
  BOOST_TEST_REQUIRE(log.done() == 0u);
  net::write(p.server, net::buffer("!", 1));
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return log.done() == 5u; }));
  ioc.poll();
  BOOST_TEST(log.calls == std::vector<int>(5, 1));
  CONF_CHECK_OK(log.codes[0]);
  BOOST_TEST(first_n == 1u);
  CONF_CHECK_EC(log.codes[1], net::error::operation_aborted);
  CONF_CHECK_EC(log.codes[2], net::error::operation_aborted);
  CONF_CHECK_EC(log.codes[3], net::error::bad_descriptor);
  CONF_CHECK_EC(log.codes[4], net::error::bad_descriptor);
}

// I/O objects destroyed from inside a handler while their operations are pending.
BOOST_AUTO_TEST_CASE(destroying_objects_inside_a_handler) {
  net::io_context ioc;
  tcp_pair p = make_tcp_pair(ioc);
  auto sock = std::make_unique<tcp::socket>(std::move(p.client));
  auto acceptor = std::make_unique<tcp::acceptor>(make_acceptor(ioc));
  auto timer = std::make_unique<net::steady_timer>(ioc, 1h);
  auto udp_sock = std::make_unique<udp::socket>(ioc, loopback_udp(0));
  std::array<char, 8> buf{}, dbuf{};
  udp::endpoint from;
  completion_log log(4);
  sock->async_read_some(net::buffer(buf), [&](error_code ec, std::size_t) { log.record(0, ec); });
  acceptor->async_accept([&](error_code ec, tcp::socket) { log.record(1, ec); });
  timer->async_wait([&](error_code ec) { log.record(2, ec); });
  udp_sock->async_receive_from(net::buffer(dbuf), from,
                               [&](error_code ec, std::size_t) { log.record(3, ec); });
  ioc.poll();
  BOOST_TEST_REQUIRE(log.done() == 0u);
  net::post(ioc, [&] {
    sock.reset();
    acceptor.reset();
    timer.reset();
    udp_sock.reset();
  });
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return log.done() == 4u; }));
  ioc.restart();
  ioc.run();  // nothing left
  log.check_all(net::error::operation_aborted);
}

// The io_context destroyed with every kind of operation pending, each handler owning the
// session that owns the I/O objects (the shared_from_this shape): no handler runs, every
// session is freed.
BOOST_AUTO_TEST_CASE(destroying_the_context_with_every_kind_of_op_pending) {
  struct session {
    explicit session(net::io_context& ioc)
        : acceptor(ioc, loopback(0)),
          pair(make_tcp_pair(ioc)),
          connecting(ioc),
          timer(ioc, 1h),
          datagram(ioc, loopback_udp(0)) {}
    tcp::acceptor acceptor;
    tcp_pair pair;
    tcp::socket connecting;
    net::steady_timer timer;
    udp::socket datagram;
    udp::endpoint from;
    std::array<char, 16> buf{}, dbuf{};
  };
  std::weak_ptr<session> watch;
  int invoked = 0;
  {
    net::io_context ioc;
    auto s = std::make_shared<session>(ioc);
    watch = s;
    s->acceptor.async_accept([s, &invoked](error_code, tcp::socket) { ++invoked; });
    s->pair.client.async_read_some(net::buffer(s->buf),
                                   [s, &invoked](error_code, std::size_t) { ++invoked; });
    s->pair.server.async_wait(tcp::socket::wait_read, [s, &invoked](error_code) { ++invoked; });
    s->timer.async_wait([s, &invoked](error_code) { ++invoked; });
    s->datagram.async_receive_from(net::buffer(s->dbuf), s->from,
                                   [s, &invoked](error_code, std::size_t) { ++invoked; });
    ioc.poll();
    // Initiated last and never run: a connect and a posted function.
    s->connecting.async_connect(s->acceptor.local_endpoint(),
                                [s, &invoked](error_code) { ++invoked; });
    net::post(ioc, [s, &invoked] { ++invoked; });
    BOOST_TEST_REQUIRE(invoked == 0);
    BOOST_TEST(watch.use_count() == 8);
  }
  BOOST_TEST(invoked == 0);
  BOOST_TEST(watch.expired());
}

// stop() in the middle of a 4 MiB transfer: run() returns with the operations still pending
// (not aborted); after restart() a second run() finishes the transfer with every byte intact.
BOOST_AUTO_TEST_CASE(stop_mid_flight_then_restart_and_run) {
  constexpr std::size_t total = 4u << 20;
  const pattern pat{7, 3, 251};
  net::io_context ioc;
  tcp_pair p = make_tcp_pair(ioc);
  std::vector<unsigned char> out(total);
  pat.fill(0, out.data(), total);

  bool wrote = false, stopped_once = false, timer_fired = false;
  std::size_t received = 0, first_bad = total;
  error_code timer_ec;
  std::vector<unsigned char> in(1 << 16);
  std::optional<watchdog> wd;
  auto maybe_finished = [&] {
    if (wrote && received == total && timer_fired && wd) wd->disarm();
  };
  net::async_write(p.client, net::buffer(out), [&](error_code ec, std::size_t n) {
    CONF_CHECK_OK(ec);
    BOOST_TEST(n == total);
    wrote = true;
    maybe_finished();
  });
  net::steady_timer during_stop(ioc);
  std::function<void()> read_once = [&] {
    p.server.async_read_some(net::buffer(in), [&](error_code ec, std::size_t n) {
      CONF_CHECK_OK(ec);
      if (ec) return;
      const std::size_t bad = pat.first_mismatch(received, in.data(), n);
      if (bad < n && first_bad == total) first_bad = received + bad;
      received += n;
      if (!stopped_once && received >= total / 4) {
        stopped_once = true;
        // Expires while the context is stopped; must fire after restart, not be lost.
        during_stop.expires_after(1ms);
        during_stop.async_wait([&](error_code ec) {
          timer_ec = ec;
          timer_fired = true;
          maybe_finished();
        });
        ioc.stop();
      }
      if (received < total)
        read_once();
      else
        maybe_finished();
    });
  };
  read_once();
  wd.emplace(ioc, 30s);
  ioc.restart();  // make_tcp_pair ran the context out of work, which stops it
  ioc.run();
  BOOST_TEST_REQUIRE(stopped_once);
  BOOST_TEST(ioc.stopped());
  BOOST_TEST(received < total);
  BOOST_TEST(!timer_fired);

  // Stopped: run() returns at once without running anything.
  BOOST_TEST(ioc.run() == 0u);
  ioc.restart();
  ioc.run();  // returns when the transfer and the timer are done and the watchdog disarmed
  BOOST_TEST(!wd->fired());
  BOOST_TEST(wrote);
  BOOST_TEST(received == total);
  BOOST_TEST(first_bad == total, "first corrupt byte at " << first_bad);
  BOOST_TEST(timer_fired);
  CONF_CHECK_OK(timer_ec);
}

BOOST_AUTO_TEST_SUITE_END()
