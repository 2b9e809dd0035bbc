// The pre-executor API that older programs still use (deprecated in Boost.Asio
// but compiled in by default): io_service, io_context::post/dispatch/wrap,
// io_context::work, io_context::strand with post/dispatch/wrap, and the strand
// as an executor for bind_executor and post.

BOOST_AUTO_TEST_SUITE(legacy_api)

using namespace conformance;

BOOST_AUTO_TEST_CASE(io_service_post_dispatch_wrap_and_work) {
  net::io_service ios;
  std::vector<int> order;
  ios.post([&] {
    order.push_back(1);
    ios.dispatch([&] { order.push_back(2); });  // inside run(): runs at once
    order.push_back(3);
  });
  auto wrapped = ios.wrap([&](int v) { order.push_back(v); });
  wrapped(4);  // outside run(): queued until run()
  BOOST_TEST(order.empty());
  BOOST_TEST(ios.run() == 2u);
  BOOST_TEST((order == std::vector<int>{1, 2, 3, 4}));

  // work keeps run() alive until it is gone.
  ios.reset();
  auto work = std::make_unique<net::io_service::work>(ios);
  net::steady_timer t(ios, std::chrono::milliseconds(5));
  bool ended = false;
  t.async_wait([&](error_code) {
    work.reset();
    ended = true;
  });
  ios.run();
  BOOST_TEST(ended);
}

BOOST_AUTO_TEST_CASE(strand_post_dispatch_wrap_run_in_order_on_the_strand) {
  net::io_context ioc;
  net::io_context::strand strand(ioc);
  std::vector<int> order;
  bool inside = false;
  strand.post([&] {
    inside = strand.running_in_this_thread();
    order.push_back(1);
    strand.dispatch([&] { order.push_back(2); });  // on the strand already: runs at once
    order.push_back(3);
  });
  strand.post([&] { order.push_back(4); });
  net::post(strand, [&] { order.push_back(5); });
  BOOST_TEST(!strand.running_in_this_thread());
  ioc.run();
  BOOST_TEST(inside);
  BOOST_TEST((order == std::vector<int>{1, 2, 3, 4, 5}));
  BOOST_TEST((&strand.context() == &ioc));
  net::io_context::strand copy = strand;
  BOOST_TEST((copy == strand));
}

BOOST_AUTO_TEST_CASE(strand_wrap_and_bind_executor_on_socket_handlers) {
  net::io_context ioc;
  tcp_pair p = make_tcp_pair(ioc);
  net::io_context::strand strand(ioc);
  bool wrapped_on_strand = false, bound_on_strand = false;
  std::array<char, 4> a{}, b{};
  net::async_read(p.server, net::buffer(a), strand.wrap([&](error_code ec, std::size_t n) {
    CONF_CHECK_OK(ec);
    BOOST_TEST(n == 4u);
    wrapped_on_strand = strand.running_in_this_thread();
  }));
  net::async_read(p.client, net::buffer(b),
                  net::bind_executor(strand, [&](error_code ec, std::size_t n) {
                    CONF_CHECK_OK(ec);
                    BOOST_TEST(n == 4u);
                    bound_on_strand = strand.running_in_this_thread();
                  }));
  net::write(p.client, net::buffer("ping", 4));
  net::write(p.server, net::buffer("pong", 4));
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return wrapped_on_strand && bound_on_strand; }));
  BOOST_TEST(std::string(a.data(), 4) == "ping");
  BOOST_TEST(std::string(b.data(), 4) == "pong");
}

BOOST_AUTO_TEST_SUITE_END()
