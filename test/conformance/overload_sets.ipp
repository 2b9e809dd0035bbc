// Every overload of the I/O objects' members and of the free connect
// functions, as Boost.Asio 1.81 declares them (the style of Boost.Asio's own
// test_compile functions): overload_sets::compile_all names each one, so a
// missing or mismatched overload fails the build of this suite, for stock
// Boost.Asio and for the library alike. It is compiled, not run (most calls
// would throw on unopened objects); the test cases run the error_code forms
// on closed objects, where both implementations give bad_descriptor.

namespace overload_sets {

using tcp = net::ip::tcp;
using udp = net::ip::udp;
using error_code = boost::system::error_code;

inline void connect_handler(error_code) {}
inline void io_handler(error_code, std::size_t) {}
inline void wait_handler(error_code) {}

template <typename Socket>
void basic_socket_members(net::io_context& ioc, Socket& s, const typename Socket::protocol_type& p,
                          const typename Socket::endpoint_type& ep) {
  error_code ec;
  const Socket& cs = s;
  (void)s.get_executor();
  (void)s.lowest_layer();
  (void)cs.lowest_layer();
  s.open(p);
  s.open(p, ec);
  s.assign(p, s.native_handle());
  s.assign(p, s.native_handle(), ec);
  (void)s.is_open();
  s.close();
  s.close(ec);
  (void)s.release();
  (void)s.release(ec);
  s.cancel();
  s.cancel(ec);
  (void)s.at_mark();
  (void)s.at_mark(ec);
  (void)s.available();
  (void)s.available(ec);
  s.bind(ep);
  s.bind(ep, ec);
  s.connect(ep);
  s.connect(ep, ec);
  s.async_connect(ep, connect_handler);
  net::socket_base::reuse_address reuse(true);
  net::socket_base::receive_buffer_size rcvbuf;
  s.set_option(reuse);
  s.set_option(reuse, ec);
  s.get_option(rcvbuf);
  s.get_option(rcvbuf, ec);
  net::socket_base::bytes_readable readable;
  s.io_control(readable);
  s.io_control(readable, ec);
  (void)s.non_blocking();
  s.non_blocking(true);
  s.non_blocking(true, ec);
  (void)s.native_non_blocking();
  s.native_non_blocking(true);
  s.native_non_blocking(true, ec);
  (void)s.local_endpoint();
  (void)s.local_endpoint(ec);
  (void)s.remote_endpoint();
  (void)s.remote_endpoint(ec);
  s.shutdown(net::socket_base::shutdown_both);
  s.shutdown(net::socket_base::shutdown_both, ec);
  s.wait(net::socket_base::wait_read);
  s.wait(net::socket_base::wait_read, ec);
  s.async_wait(net::socket_base::wait_read, wait_handler);
  // Constructors, on an executor and on a context.
  Socket a(ioc.get_executor()), b(ioc), c(ioc.get_executor(), p), d(ioc, p);
  Socket e(ioc.get_executor(), ep), f(ioc, ep);
  Socket g(ioc.get_executor(), p, s.native_handle()), h(ioc, p, s.native_handle());
  Socket moved(std::move(a));
  moved = std::move(b);
}

inline void tcp_socket(net::io_context& ioc) {
  tcp::socket s(ioc);
  basic_socket_members(ioc, s, tcp::v4(), tcp::endpoint());
  error_code ec;
  std::array<char, 8> raw{};
  auto mb = net::buffer(raw);
  auto cb = net::const_buffer(raw.data(), raw.size());
  const net::socket_base::message_flags flags = 0;
  (void)s.send(cb);
  (void)s.send(cb, flags);
  (void)s.send(cb, flags, ec);
  s.async_send(cb, io_handler);
  s.async_send(cb, flags, io_handler);
  (void)s.receive(mb);
  (void)s.receive(mb, flags);
  (void)s.receive(mb, flags, ec);
  s.async_receive(mb, io_handler);
  s.async_receive(mb, flags, io_handler);
  (void)s.write_some(cb);
  (void)s.write_some(cb, ec);
  s.async_write_some(cb, io_handler);
  (void)s.read_some(mb);
  (void)s.read_some(mb, ec);
  s.async_read_some(mb, io_handler);
  // Onto another executor type.
  net::basic_stream_socket<tcp, net::io_context::executor_type> typed(ioc);
  tcp::socket widened(std::move(typed));
}

inline void udp_socket(net::io_context& ioc) {
  udp::socket s(ioc);
  basic_socket_members(ioc, s, udp::v4(), udp::endpoint());
  error_code ec;
  std::array<char, 8> raw{};
  auto mb = net::buffer(raw);
  auto cb = net::const_buffer(raw.data(), raw.size());
  const net::socket_base::message_flags flags = 0;
  udp::endpoint ep;
  (void)s.send(cb);
  (void)s.send(cb, flags);
  (void)s.send(cb, flags, ec);
  s.async_send(cb, io_handler);
  s.async_send(cb, flags, io_handler);
  (void)s.send_to(cb, ep);
  (void)s.send_to(cb, ep, flags);
  (void)s.send_to(cb, ep, flags, ec);
  s.async_send_to(cb, ep, io_handler);
  s.async_send_to(cb, ep, flags, io_handler);
  (void)s.receive(mb);
  (void)s.receive(mb, flags);
  (void)s.receive(mb, flags, ec);
  s.async_receive(mb, io_handler);
  s.async_receive(mb, flags, io_handler);
  (void)s.receive_from(mb, ep);
  (void)s.receive_from(mb, ep, flags);
  (void)s.receive_from(mb, ep, flags, ec);
  s.async_receive_from(mb, ep, io_handler);
  s.async_receive_from(mb, ep, flags, io_handler);
}

inline void tcp_acceptor(net::io_context& ioc) {
  error_code ec;
  auto ex = ioc.get_executor();
  tcp::endpoint ep;
  tcp::acceptor a(ex), b(ioc), c(ex, tcp::v4()), d(ioc, tcp::v4());
  tcp::acceptor e(ex, ep), f(ioc, ep), g(ex, ep, false), h(ioc, ep, false);
  tcp::acceptor i(ex, tcp::v4(), a.native_handle()), j(ioc, tcp::v4(), a.native_handle());
  tcp::acceptor moved(std::move(b));
  moved = std::move(c);
  (void)a.get_executor();
  a.open(tcp::v4());
  a.open(tcp::v4(), ec);
  a.assign(tcp::v4(), a.native_handle());
  a.assign(tcp::v4(), a.native_handle(), ec);
  (void)a.is_open();
  a.bind(ep);
  a.bind(ep, ec);
  a.listen();
  a.listen(net::socket_base::max_listen_connections);
  a.listen(net::socket_base::max_listen_connections, ec);
  a.close();
  a.close(ec);
  (void)a.release();
  (void)a.release(ec);
  a.cancel();
  a.cancel(ec);
  net::socket_base::reuse_address reuse(true);
  a.set_option(reuse);
  a.set_option(reuse, ec);
  a.get_option(reuse);
  a.get_option(reuse, ec);
  net::socket_base::bytes_readable readable;
  a.io_control(readable);
  a.io_control(readable, ec);
  (void)a.non_blocking();
  a.non_blocking(true);
  a.non_blocking(true, ec);
  (void)a.native_non_blocking();
  a.native_non_blocking(true);
  a.native_non_blocking(true, ec);
  (void)a.local_endpoint();
  (void)a.local_endpoint(ec);
  a.wait(net::socket_base::wait_read);
  a.wait(net::socket_base::wait_read, ec);
  a.async_wait(net::socket_base::wait_read, wait_handler);

  tcp::socket peer(ioc);
  auto accept_handler = [](error_code) {};
  auto move_accept_handler = [](error_code, tcp::socket) {};
  a.accept(peer);
  a.accept(peer, ec);
  a.async_accept(peer, accept_handler);
  a.accept(peer, ep);
  a.accept(peer, ep, ec);
  a.async_accept(peer, ep, accept_handler);
  (void)a.accept();
  (void)a.accept(ec);
  a.async_accept(move_accept_handler);
  (void)a.accept(ex);
  (void)a.accept(ioc);
  (void)a.accept(ex, ec);
  (void)a.accept(ioc, ec);
  a.async_accept(ex, move_accept_handler);
  a.async_accept(ioc, move_accept_handler);
  (void)a.accept(ep);
  (void)a.accept(ep, ec);
  a.async_accept(ep, move_accept_handler);
  (void)a.accept(ex, ep);
  (void)a.accept(ioc, ep);
  // Not accept(ex, ep, ec): Boost 1.81 declares it with its parameter typed as the acceptor's
  // own executor_type, so no call to it compiles there (the library has it working).
  (void)a.accept(ioc, ep, ec);
  a.async_accept(ex, ep, move_accept_handler);
  a.async_accept(ioc, ep, move_accept_handler);
}

inline void free_connect_and_resolver(net::io_context& ioc) {
  error_code ec;
  tcp::socket s(ioc);
  tcp::resolver r(ioc), r2(ioc.get_executor());
  tcp::resolver::results_type results;
  std::vector<tcp::endpoint> endpoints;
  auto any = [](const error_code&, const tcp::endpoint&) { return true; };
  (void)net::connect(s, results);
  (void)net::connect(s, results, ec);
  (void)net::connect(s, results, any);
  (void)net::connect(s, results, any, ec);
  (void)net::connect(s, endpoints.begin(), endpoints.end());
  (void)net::connect(s, endpoints.begin(), endpoints.end(), ec);
  (void)net::connect(s, endpoints.begin(), endpoints.end(), any);
  auto range_handler = [](error_code, const tcp::endpoint&) {};
  auto iter_handler = [](error_code, std::vector<tcp::endpoint>::iterator) {};
  net::async_connect(s, results, range_handler);
  net::async_connect(s, results, any, range_handler);
  net::async_connect(s, endpoints.begin(), endpoints.end(), iter_handler);
  net::async_connect(s, endpoints.begin(), endpoints.end(), any, iter_handler);

  auto resolve_handler = [](error_code, tcp::resolver::results_type) {};
  (void)r.resolve("localhost", "80");
  (void)r.resolve("localhost", "80", ec);
  (void)r.resolve("localhost", "80", tcp::resolver::numeric_service);
  (void)r.resolve("localhost", "80", tcp::resolver::numeric_service, ec);
  (void)r.resolve(tcp::v4(), "localhost", "80");
  (void)r.resolve(tcp::v4(), "localhost", "80", ec);
  (void)r.resolve(tcp::endpoint());
  (void)r.resolve(tcp::endpoint(), ec);
  r.async_resolve("localhost", "80", resolve_handler);
  r.async_resolve("localhost", "80", tcp::resolver::numeric_service, resolve_handler);
  r.async_resolve(tcp::v4(), "localhost", "80", resolve_handler);
  r.async_resolve(tcp::endpoint(), resolve_handler);
  r.cancel();
}

inline void stream_descriptor(net::io_context& ioc) {
  error_code ec;
  auto ex = ioc.get_executor();
  net::posix::stream_descriptor d(ex), e(ioc), f(ex, -1), g(ioc, -1);
  net::posix::stream_descriptor moved(std::move(e));
  moved = std::move(f);
  std::array<char, 8> raw{};
  auto mb = net::buffer(raw);
  auto cb = net::const_buffer(raw.data(), raw.size());
  (void)d.get_executor();
  (void)d.lowest_layer();
  d.assign(0);
  d.assign(0, ec);
  (void)d.is_open();
  d.close();
  d.close(ec);
  (void)d.release();
  (void)d.native_handle();
  d.cancel();
  d.cancel(ec);
  net::posix::descriptor_base::bytes_readable readable;
  d.io_control(readable);
  d.io_control(readable, ec);
  (void)d.non_blocking();
  d.non_blocking(true);
  d.non_blocking(true, ec);
  (void)d.native_non_blocking();
  d.native_non_blocking(true);
  d.native_non_blocking(true, ec);
  d.wait(net::posix::descriptor_base::wait_read);
  d.wait(net::posix::descriptor_base::wait_read, ec);
  d.async_wait(net::posix::descriptor_base::wait_read, wait_handler);
  (void)d.write_some(cb);
  (void)d.write_some(cb, ec);
  d.async_write_some(cb, io_handler);
  (void)d.read_some(mb);
  (void)d.read_some(mb, ec);
  d.async_read_some(mb, io_handler);
  // On a strand, as servers keep them.
  net::posix::basic_stream_descriptor<net::strand<net::io_context::executor_type>> on_strand(
      net::make_strand(ioc));
}

// Never called: compiling it is the check.
[[maybe_unused]] inline void compile_all(net::io_context& ioc) {
  tcp_socket(ioc);
  udp_socket(ioc);
  tcp_acceptor(ioc);
  free_connect_and_resolver(ioc);
  stream_descriptor(ioc);
}

}  // namespace overload_sets

BOOST_AUTO_TEST_SUITE(overload_sets)

using namespace conformance;

BOOST_AUTO_TEST_CASE(error_code_forms_on_closed_objects) {
  net::io_context ioc;
  boost::system::error_code ec;
  std::array<char, 4> raw{};
  net::ip::tcp::socket s(ioc);
  net::ip::tcp::acceptor a(ioc);
  net::ip::udp::socket u(ioc);
  net::posix::stream_descriptor d(ioc);
  const auto bad = make_error_code(net::error::bad_descriptor);

  (void)s.read_some(net::buffer(raw), ec);
  BOOST_TEST(ec == bad);
  (void)s.write_some(net::buffer(raw), ec);
  BOOST_TEST(ec == bad);
  (void)s.available(ec);
  BOOST_TEST(ec == bad);
  net::socket_base::bytes_readable readable;
  s.io_control(readable, ec);
  BOOST_TEST(ec == bad);
  a.listen(net::socket_base::max_listen_connections, ec);
  BOOST_TEST(ec == bad);
  net::ip::tcp::socket peer(ioc);
  a.accept(peer, ec);
  BOOST_TEST(ec == bad);
  (void)u.receive(net::buffer(raw), 0, ec);
  BOOST_TEST(ec == bad);
  net::ip::udp::endpoint from;
  (void)u.receive_from(net::buffer(raw), from, 0, ec);
  BOOST_TEST(ec == bad);
  (void)d.read_some(net::buffer(raw), ec);
  BOOST_TEST(ec == bad);
  d.io_control(readable, ec);
  BOOST_TEST(ec == bad);
}

BOOST_AUTO_TEST_SUITE_END()
