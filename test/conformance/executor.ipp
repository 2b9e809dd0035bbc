// io_context run-loop semantics, post/dispatch/defer, strands, work guards, async_compose and
// any_io_executor. The native-only part (threads, use_future) is at the end.

BOOST_AUTO_TEST_SUITE(executor)

using namespace conformance;

BOOST_AUTO_TEST_CASE(post_is_fifo_and_never_inline) {
  net::io_context ioc;
  std::vector<int> order;
  for (int i = 0; i < 5; ++i)
    net::post(ioc, [&order, i] { order.push_back(i); });
  net::post(ioc.get_executor(), [&] { order.push_back(5); });
  net::defer(ioc, [&] { order.push_back(6); });
  BOOST_TEST(order.empty());
  BOOST_TEST(ioc.run() == 7u);  // run() returns the number of handlers executed
  BOOST_TEST(order == (std::vector<int>{0, 1, 2, 3, 4, 5, 6}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(dispatch_runs_inline_only_inside_the_context) {
  net::io_context ioc;
  std::vector<std::string> order;
  // Outside run(): dispatch behaves like post.
  net::dispatch(ioc, [&] { order.push_back("outside-dispatch"); });
  BOOST_TEST(order.empty());

  net::post(ioc, [&] {
    order.push_back("handler-begin");
    net::post(ioc, [&] { order.push_back("posted"); });
    net::defer(ioc, [&] { order.push_back("deferred"); });
    net::dispatch(ioc, [&] { order.push_back("dispatched-inline"); });
    order.push_back("handler-end");
  });
  ioc.run();
  const std::vector<std::string> expected = {
      "outside-dispatch", "handler-begin", "dispatched-inline",
      "handler-end",      "posted",        "deferred"};
  BOOST_TEST(order == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(completion_handlers_never_run_inside_initiation) {
  // Even when the result is known immediately (error, expired timer, data already
  // buffered), the handler runs later from the context, never inside the initiating call.
  net::io_context ioc;
  tcp_pair p = make_tcp_pair(ioc);
  net::write(p.server, net::buffer("ready", 5));
  std::array<char, 8> buf{};
  int calls = 0;
  tcp::socket closed(ioc);
  closed.async_read_some(net::buffer(buf), [&](error_code, std::size_t) { ++calls; });
  net::steady_timer expired(ioc, clk::now() - 1s);
  expired.async_wait([&](error_code) { ++calls; });
  p.client.async_read_some(net::buffer(buf), [&](error_code ec, std::size_t n) {
    CONF_CHECK_OK(ec);
    BOOST_TEST(n == 5u);
    ++calls;
  });
  net::async_write(p.client, net::buffer("x", 1), [&](error_code, std::size_t) { ++calls; });
  BOOST_TEST(calls == 0);
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return calls == 4; }));
}

BOOST_AUTO_TEST_CASE(run_one_poll_poll_one_stop_restart) {
  net::io_context ioc;
  // A far-away timer keeps the context from running out of work (which would stop it).
  net::steady_timer far(ioc, 1h);
  far.async_wait([](error_code) {});
  int n = 0;
  for (int i = 0; i < 3; ++i)
    net::post(ioc, [&] { ++n; });
  BOOST_TEST(ioc.run_one() == 1u);
  BOOST_TEST(n == 1);
  BOOST_TEST(ioc.poll_one() == 1u);
  BOOST_TEST(n == 2);
  BOOST_TEST(ioc.poll() == 1u);
  BOOST_TEST(n == 3);

  // poll() with only the timer pending returns 0 at once without blocking.
  const auto t0 = clk::now();
  BOOST_TEST(ioc.poll() == 0u);
  BOOST_TEST(ioc.poll_one() == 0u);
  BOOST_TEST((clk::now() - t0 < 1s));
  BOOST_TEST(!ioc.stopped());

  // stop(): run() returns at once and stays stopped until restart().
  net::post(ioc, [&] { ++n; });
  ioc.stop();
  BOOST_TEST(ioc.stopped());
  BOOST_TEST(ioc.run() == 0u);
  BOOST_TEST(n == 3);
  ioc.restart();
  BOOST_TEST(!ioc.stopped());
  BOOST_TEST(ioc.poll() == 1u);
  BOOST_TEST(n == 4);

  // stop() from inside a handler: handlers queued behind it do not run in this call.
  net::post(ioc, [&] {
    ++n;
    ioc.stop();
  });
  net::post(ioc, [&] { ++n; });
  BOOST_TEST(ioc.run() == 1u);
  BOOST_TEST(n == 5);
  ioc.restart();
  BOOST_TEST(ioc.poll() == 1u);
  BOOST_TEST(n == 6);
  far.cancel();
  BOOST_TEST(ioc.run() == 1u);  // the aborted wait
}

BOOST_AUTO_TEST_CASE(running_out_of_work_stops_the_context) {
  net::io_context ioc;
  int n = 0;
  net::post(ioc, [&] { ++n; });
  BOOST_TEST(ioc.run() == 1u);
  // Returning from run() for lack of work leaves the context stopped: a later run() does
  // nothing until restart().
  BOOST_TEST(ioc.stopped());
  net::post(ioc, [&] { ++n; });
  BOOST_TEST(ioc.run() == 0u);
  BOOST_TEST(n == 1);
  ioc.restart();
  BOOST_TEST(ioc.run() == 1u);
  BOOST_TEST(n == 2);
  // run() on a context with no work returns 0 immediately.
  ioc.restart();
  BOOST_TEST(ioc.run() == 0u);
  // poll() that drains the last work stops the context too.
  ioc.restart();
  net::post(ioc, [&] { ++n; });
  BOOST_TEST(ioc.poll() == 1u);
  BOOST_TEST(ioc.stopped());
}

BOOST_AUTO_TEST_CASE(run_for_and_run_one_for) {
  net::io_context ioc;
  net::steady_timer far(ioc, 1h);
  far.async_wait([](error_code) {});
  // run_for returns after the duration when work remains; the context is not stopped.
  auto t0 = clk::now();
  BOOST_TEST(ioc.run_for(50ms) == 0u);
  auto elapsed = clk::now() - t0;
  BOOST_TEST((elapsed >= 50ms));
  BOOST_TEST((elapsed < 5s));
  BOOST_TEST(!ioc.stopped());

  t0 = clk::now();
  BOOST_TEST(ioc.run_one_for(30ms) == 0u);
  BOOST_TEST((clk::now() - t0 >= 30ms));

  // run_for returns early, with the count, once a nearer timer has fired and work is left.
  net::steady_timer near(ioc, 20ms);
  bool fired = false;
  near.async_wait([&](error_code ec) {
    CONF_CHECK_OK(ec);
    fired = true;
  });
  t0 = clk::now();
  BOOST_TEST(ioc.run_one_for(5s) == 1u);
  BOOST_TEST(fired);
  BOOST_TEST((clk::now() - t0 < 4s));

  // run_for returns as soon as the work runs out.
  far.cancel();
  t0 = clk::now();
  BOOST_TEST(ioc.run_for(10s) == 1u);
  BOOST_TEST((clk::now() - t0 < 5s));
  BOOST_TEST(ioc.stopped());
}

BOOST_AUTO_TEST_CASE(work_guard_keeps_run_alive) {
  net::io_context ioc;
  // Without outstanding work the context stops at once...
  auto t0 = clk::now();
  BOOST_TEST(ioc.run_for(10s) == 0u);
  BOOST_TEST((clk::now() - t0 < 5s));
  BOOST_TEST(ioc.stopped());
  ioc.restart();

  // ...while a work guard alone keeps it running, here until run_for's deadline.
  auto guard = net::make_work_guard(ioc);
  BOOST_TEST(guard.owns_work());
  t0 = clk::now();
  BOOST_TEST(ioc.run_for(50ms) == 0u);
  BOOST_TEST((clk::now() - t0 >= 50ms));
  BOOST_TEST(!ioc.stopped());

  // Releasing the guard from a handler lets the context run out of work and return.
  int handlers = 0;
  net::steady_timer t(ioc, 20ms);
  t.async_wait([&](error_code ec) {
    CONF_CHECK_OK(ec);
    ++handlers;
    net::post(ioc, [&] {
      ++handlers;
      guard.reset();
    });
  });
  t0 = clk::now();
  ioc.run_for(10s);
  BOOST_TEST(handlers == 2);
  BOOST_TEST(!guard.owns_work());
  BOOST_TEST(ioc.stopped());
  BOOST_TEST((clk::now() - t0 < 5s));
}

BOOST_AUTO_TEST_CASE(strand_serialises_and_bind_executor) {
  net::io_context ioc;
  auto strand = net::make_strand(ioc);
  std::vector<int> order;
  int inside = 0;
  bool overlap = false;
  for (int i = 0; i < 10; ++i)
    net::post(strand, [&, i] {
      if (inside++) overlap = true;
      BOOST_TEST(strand.running_in_this_thread());
      order.push_back(i);
      --inside;
    });
  BOOST_TEST(!strand.running_in_this_thread());

  // A completion handler bound to the strand runs in it.
  net::steady_timer t(ioc, 1ms);
  bool bound_ran = false;
  t.async_wait(net::bind_executor(strand, [&](error_code ec) {
    CONF_CHECK_OK(ec);
    BOOST_TEST(strand.running_in_this_thread());
    bound_ran = true;
  }));

  // dispatch on a strand from inside that strand runs inline.
  std::vector<std::string> seq;
  net::post(strand, [&] {
    seq.push_back("a");
    net::dispatch(strand, [&] { seq.push_back("inline"); });
    seq.push_back("b");
  });
  ioc.run();
  BOOST_TEST(order == (std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}),
             boost::test_tools::per_element());
  BOOST_TEST(!overlap);
  BOOST_TEST(bound_ran);
  BOOST_TEST(seq == (std::vector<std::string>{"a", "inline", "b"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(io_objects_on_a_strand) {
  // Sockets and timers constructed from a strand complete their handlers through it.
  net::io_context ioc;
  auto strand = net::make_strand(ioc);
  tcp::acceptor acceptor(strand, loopback(0));
  tcp::socket client(strand), server(strand);
  net::steady_timer timer(strand, 1ms);
  int in_strand = 0, total = 0;
  auto check = [&] {
    ++total;
    if (strand.running_in_this_thread()) ++in_strand;
  };
  acceptor.async_accept(server, [&](error_code ec) {
    CONF_CHECK_OK(ec);
    check();
  });
  client.async_connect(acceptor.local_endpoint(), [&](error_code ec) {
    CONF_CHECK_OK(ec);
    check();
  });
  timer.async_wait([&](error_code ec) {
    CONF_CHECK_OK(ec);
    check();
  });
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return total == 3; }));
  BOOST_TEST(in_strand == 3);
}

BOOST_AUTO_TEST_CASE(any_io_executor_holds_the_context_executor) {
  net::io_context ioc;
  net::any_io_executor ex = ioc.get_executor();
  BOOST_TEST((ex == net::any_io_executor(ioc.get_executor())));
  BOOST_TEST_REQUIRE(ex.target<net::io_context::executor_type>() != nullptr);
  BOOST_TEST((&ex.target<net::io_context::executor_type>()->context() == &ioc));

  int ran = 0;
  net::post(ex, [&] { ++ran; });
  net::steady_timer t(ex, 1ms);  // I/O objects construct from any_io_executor
  tcp::socket s(ex);
  BOOST_TEST((s.get_executor() == ex));
  BOOST_TEST((t.get_executor() == ex));
  t.async_wait([&](error_code ec) {
    CONF_CHECK_OK(ec);
    ++ran;
  });

  // A strand also fits in any_io_executor.
  net::any_io_executor sx = net::make_strand(ioc);
  net::post(sx, [&] { ++ran; });
  ioc.run();
  BOOST_TEST(ran == 3);
}

namespace {

// A composed operation: reads whatever arrives and writes it back once, completing with the
// number of bytes echoed. Written with async_compose so that it works with every token.
template <class Token>
auto async_echo_once(tcp::socket& s, std::vector<char>& buf, Token&& token) {
  enum class step { start, reading, writing };
  return net::async_compose<Token, void(error_code, std::size_t)>(
      [&s, &buf, st = step::start](auto& self, error_code ec = {}, std::size_t n = 0) mutable {
        switch (st) {
          case step::start:
            st = step::reading;
            s.async_read_some(net::buffer(buf), std::move(self));
            return;
          case step::reading:
            if (ec) return self.complete(ec, 0);
            st = step::writing;
            net::async_write(s, net::buffer(buf.data(), n), std::move(self));
            return;
          case step::writing:
            self.complete(ec, n);
            return;
        }
      },
      token, s);
}

// The composed echo with each token; the peer ends the stream with shutdown(send) (half-close)
// or close().
void async_compose_with_a_socket_ending(bool half_close) {
  net::io_context ioc;
  tcp_pair p = make_tcp_pair(ioc);
  std::vector<char> buf(64);

  // Callback token.
  std::size_t echoed = 0;
  bool cb_done = false;
  async_echo_once(p.server, buf, [&](error_code ec, std::size_t n) {
    CONF_CHECK_OK(ec);
    echoed = n;
    cb_done = true;
  });
  BOOST_TEST(!cb_done);  // composed ops also never complete inline
  net::write(p.client, net::buffer("compose", 7));
  std::array<char, 7> back{};
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return cb_done; }));
  BOOST_TEST(echoed == 7u);
  BOOST_TEST(net::read(p.client, net::buffer(back)) == 7u);
  BOOST_TEST(std::string(back.data(), 7) == "compose");

  // Coroutine token, and the error path: EOF propagates out of the composed op.
  bool co_done = false;
  error_code co_ec;
  net::co_spawn(
      ioc,
      [&]() -> net::awaitable<void> {
        auto [ec, n] = co_await async_echo_once(p.server, buf, net::as_tuple(net::use_awaitable));
        co_ec = ec;
        BOOST_TEST(n == 0u);
      },
      report_exception{&co_done});
  if (half_close)
    p.client.shutdown(tcp::socket::shutdown_send);
  else
    p.client.close();
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return co_done; }));
  CONF_CHECK_EC(co_ec, net::error::eof);
}

}  // namespace

BOOST_AUTO_TEST_CASE(async_compose_with_a_socket, *boost::unit_test::label("needs_half_close")) {
  async_compose_with_a_socket_ending(true);
}

// The same, with the EOF from a close(): Direct Sockets has no half-close (docs/browser.md).
BOOST_AUTO_TEST_CASE(async_compose_with_a_socket_peer_closes) {
  async_compose_with_a_socket_ending(false);
}

BOOST_AUTO_TEST_CASE(exception_from_handler_propagates_out_of_run) {
  net::io_context ioc;
  int after = 0;
  net::post(ioc, [] { throw std::runtime_error("from handler"); });
  net::post(ioc, [&] { ++after; });
  BOOST_CHECK_THROW(ioc.run(), std::runtime_error);
  BOOST_TEST(after == 0);
  // The context can simply be run again; the remaining handler is still queued.
  BOOST_TEST(ioc.run() == 1u);
  BOOST_TEST(after == 1);
}

#if !defined(__EMSCRIPTEN__) || defined(__EMSCRIPTEN_PTHREADS__)  // -pthread browser builds too

// Threads can hang rather than fail, so these are bounded by run_for and future::wait_for
// as well as Boost.Test's timeout decorator.

BOOST_AUTO_TEST_CASE(post_from_another_thread_while_run_blocks, *boost::unit_test::timeout(60)) {
  net::io_context ioc;
  auto guard = net::make_work_guard(ioc);
  std::atomic<int> ran{0};
  std::atomic<bool> guard_released{false};
  std::thread runner([&] { ioc.run_for(20s); });
  std::thread poster([&] {
    std::this_thread::sleep_for(10ms);  // let run() block first
    for (int i = 0; i < 1000; ++i)
      net::post(ioc, [&] { ++ran; });
    net::post(ioc, [&] {
      guard.reset();
      guard_released = true;
    });
  });
  const auto t0 = clk::now();
  poster.join();
  runner.join();  // returns once the guard is gone and the queue is drained
  BOOST_TEST(ran.load() == 1000);
  BOOST_TEST(guard_released.load());
  BOOST_TEST((clk::now() - t0 < 10s));
}

BOOST_AUTO_TEST_CASE(stop_from_another_thread, *boost::unit_test::timeout(60)) {
  net::io_context ioc;
  auto guard = net::make_work_guard(ioc);
  const auto t0 = clk::now();
  std::thread runner([&] { ioc.run_for(20s); });
  std::this_thread::sleep_for(20ms);
  ioc.stop();
  runner.join();
  BOOST_TEST(ioc.stopped());
  BOOST_TEST((clk::now() - t0 < 10s));
}

// Runs a context on another thread for the rest of a test case: joined (and stopped first) on
// the way out, also after a failed BOOST_TEST_REQUIRE, so no joinable thread is ever left.
struct runner_thread {
  net::io_context& ioc;
  std::thread t;
  explicit runner_thread(net::io_context& c) : ioc(c), t([this] { ioc.run_for(30s); }) {}
  ~runner_thread() {
    ioc.stop();
    if (t.joinable()) t.join();
  }
};

BOOST_AUTO_TEST_CASE(use_future_tokens, *boost::unit_test::timeout(60)) {
  net::io_context ioc;
  auto guard = net::make_work_guard(ioc);
  runner_thread runner(ioc);

  net::steady_timer t(ioc, 10ms);
  std::future<void> waited = t.async_wait(net::use_future);
  BOOST_TEST_REQUIRE((waited.wait_for(20s) == std::future_status::ready));
  BOOST_CHECK_NO_THROW(waited.get());

  // Operations with a value: the future carries it.
  std::future<int> value = net::co_spawn(
      ioc, []() -> net::awaitable<int> { co_return 42; }, net::use_future);
  BOOST_TEST_REQUIRE((value.wait_for(20s) == std::future_status::ready));
  BOOST_TEST(value.get() == 42);

  guard.reset();
  runner.t.join();
}

// A failing socket operation delivers its error as a system_error from get(), started from a
// thread that does not run the context. In a -pthread browser build the operation moves to the
// thread that runs the context, whose JS then holds the socket (docs/threading.md, "In the
// browser"); the twin below starts the same operation there itself.
BOOST_AUTO_TEST_CASE(use_future_with_a_socket_from_another_thread, *boost::unit_test::timeout(60)) {
  net::io_context ioc;
  auto guard = net::make_work_guard(ioc);
  const auto closed = loopback(closed_tcp_port(ioc));  // before the runner: no socket use races it
  runner_thread runner(ioc);
  tcp::socket s(ioc);
  std::future<void> refused = s.async_connect(closed, net::use_future);
  BOOST_TEST_REQUIRE((refused.wait_for(20s) == std::future_status::ready));
  try {
    refused.get();
    BOOST_ERROR("connect to a closed port succeeded");
  } catch (const boost::system::system_error& e) {
    CONF_CHECK_EC(e.code(), net::error::connection_refused);
  }
}

// The twin: the socket is opened and its operation started on the thread that runs the context
// (posted there), and another thread waits on the future.
BOOST_AUTO_TEST_CASE(use_future_with_a_socket_posted_to_the_runner,
                     *boost::unit_test::timeout(60)) {
  net::io_context ioc;
  auto guard = net::make_work_guard(ioc);
  const auto closed = loopback(closed_tcp_port(ioc));  // before the runner: no socket use races it
  runner_thread runner(ioc);
  std::optional<tcp::socket> s;
  std::promise<std::future<void>> started;
  net::post(ioc, [&] {
    s.emplace(ioc);
    started.set_value(s->async_connect(closed, net::use_future));
  });
  std::future<void> refused = started.get_future().get();
  BOOST_TEST_REQUIRE((refused.wait_for(20s) == std::future_status::ready));
  try {
    refused.get();
    BOOST_ERROR("connect to a closed port succeeded");
  } catch (const boost::system::system_error& e) {
    CONF_CHECK_EC(e.code(), net::error::connection_refused);
  }
  net::post(ioc, [&] { s.reset(); });  // closed where it lives
  guard.reset();
  runner.t.join();
}

#endif  // threads

// The Networking TS executor members (on_work_started/finished, dispatch/post/defer with an
// allocator) that the type-erased net::executor and a strand<net::executor> call.
BOOST_AUTO_TEST_CASE(ts_executor_members_and_a_strand_over_net_executor) {
  net::io_context ioc;
  auto ex = ioc.get_executor();
  std::vector<int> order;
  ex.on_work_started();  // keeps run() alive, as outstanding work
  ex.post([&] { order.push_back(1); }, std::allocator<void>());
  ex.defer([&] { order.push_back(2); }, std::allocator<void>());
  ex.dispatch(
      [&] {
        order.push_back(3);
        ex.dispatch([&] { order.push_back(4); }, std::allocator<void>());  // inline: inside run()
        order.push_back(5);
        ex.on_work_finished();
      },
      std::allocator<void>());
  BOOST_TEST(order.empty());  // dispatch outside run() queues
  ioc.run();
  BOOST_TEST((order == std::vector<int>{1, 2, 3, 4, 5}));

  ioc.restart();
  net::executor erased = ioc.get_executor();
  BOOST_TEST((&erased.context() == static_cast<net::execution_context*>(&ioc)));
  net::strand<net::executor> strand(erased);
  int inside = 0, count = 0;
  for (int i = 0; i < 5; ++i)
    net::post(strand, [&] {
      inside += strand.running_in_this_thread() ? 1 : 0;
      ++count;
    });
  net::steady_timer t(ioc, 1ms);
  t.async_wait(net::bind_executor(strand, [&](error_code ec) {
    CONF_CHECK_OK(ec);
    ++count;
  }));
  ioc.run();
  BOOST_TEST(count == 6);
  BOOST_TEST(inside == 5);
}

namespace {
// A service written for Boost.Asio's io_context: derived from io_context::service and
// constructed from an io_context&.
struct counter_service : net::io_context::service {
  static inline net::io_context::id id;
  explicit counter_service(net::io_context& ioc) : net::io_context::service(ioc), owner(&ioc) {}
  net::io_context* owner;
  int uses = 0;
};
}  // namespace

BOOST_AUTO_TEST_CASE(user_services_derived_from_io_context_service) {
  net::io_context ioc;
  BOOST_TEST(!net::has_service<counter_service>(ioc));
  counter_service& a = net::use_service<counter_service>(ioc);
  ++a.uses;
  counter_service& b = net::use_service<counter_service>(ioc);
  BOOST_TEST(&a == &b);
  BOOST_TEST(b.uses == 1);
  BOOST_TEST(a.owner == &ioc);
  BOOST_TEST((&a.get_io_context() == &ioc));
  BOOST_TEST(net::has_service<counter_service>(ioc));
  net::io_context other;
  BOOST_TEST((&net::use_service<counter_service>(other) != &a));
}

BOOST_AUTO_TEST_CASE(destroying_the_context_destroys_unrun_handlers) {
  // Handlers that never ran (queued posts, pending socket and timer operations) are
  // destroyed, not invoked, when the context goes away, releasing what they own.
  auto token = std::make_shared<int>(0);
  int invoked = 0;
  {
    net::io_context ioc;
    tcp_pair p = make_tcp_pair(ioc);
    std::array<char, 8> buf{};
    net::post(ioc, [&invoked, token] { ++invoked; });
    p.client.async_read_some(net::buffer(buf),
                             [&invoked, token](error_code, std::size_t) { ++invoked; });
    net::steady_timer t(ioc, 1h);
    t.async_wait([&invoked, token](error_code) { ++invoked; });
    BOOST_TEST(token.use_count() == 4);
    // Leave scope: the socket and timer are destroyed first (their handlers are queued as
    // aborted), then the context destroys everything still queued.
  }
  BOOST_TEST(invoked == 0);
  BOOST_TEST(token.use_count() == 1);
}

BOOST_AUTO_TEST_SUITE_END()
