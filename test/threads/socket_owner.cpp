// -pthread browser builds (docs/threading.md "In the browser"): a socket's Direct Sockets object
// lives in the JS of one thread, its realm. What the library does when other threads use it:
//  - an asynchronous operation started on another thread, or before any thread runs the context
//    (Boost.Asio's chat client connects so), starts on the thread that runs the context;
//  - there, a socket whose realm is yet another thread fails it with
//    errc::resource_deadlock_would_occur instead of never completing;
//  - an operation started on the thread that holds the socket's JS works, its handler still
//    running on the context's thread;
//  - a synchronous call from a thread outside the realm fails with the same code;
//  - close() from another thread works, and the operations pending in the realm end with
//    operation_aborted.
// The peer is this program's own listener, on a second context run by a second thread.
#define BOOST_TEST_MODULE wasm_threads_socket_owner
#include <boost/config.hpp>
#undef BOOST_HAS_SIGACTION  // see conformance_ours.cpp: sigsetjmp and ASYNCIFY do not mix
#include <asio_directsockets.hpp>
#include <boost/test/included/unit_test.hpp>

#include <array>
#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace net = asio_directsockets;
using tcp = net::ip::tcp;
using error_code = boost::system::error_code;
using namespace std::chrono_literals;

const error_code wrong_thread = make_error_code(boost::system::errc::resource_deadlock_would_occur);

// A context run by its own thread until the object goes away.
struct runner {
  net::io_context ioc;
  net::executor_work_guard<net::io_context::executor_type> guard = net::make_work_guard(ioc);
  std::thread thread{[this] { ioc.run(); }};

  ~runner() {
    guard.reset();
    ioc.stop();
    thread.join();
  }

  // Runs f() on the runner thread and returns its result (waits at most 20 s).
  template <typename F>
  auto on_runner(F f) {
    auto task = std::make_shared<std::packaged_task<decltype(f())()>>(std::move(f));
    auto result = task->get_future();
    net::post(ioc, [task] { (*task)(); });
    BOOST_REQUIRE(result.wait_for(20s) == std::future_status::ready);
    return result.get();
  }
};

template <typename T>
T wait_for(std::future<T>& f) {
  BOOST_REQUIRE_MESSAGE(f.wait_for(20s) == std::future_status::ready, "no completion in 20 s");
  return f.get();
}

// A listener on 127.0.0.1 that accepts every connection, on its own thread.
struct peer {
  runner r;
  tcp::acceptor acceptor{r.ioc};
  std::vector<std::unique_ptr<tcp::socket>> accepted;  // used on the runner thread only
  tcp::endpoint endpoint;

  peer() {
    endpoint = r.on_runner([this] {
      acceptor.open(tcp::v4());
      acceptor.bind({net::ip::make_address("127.0.0.1"), 0});
      acceptor.listen();
      accept_next();
      return acceptor.local_endpoint();
    });
  }
  ~peer() {
    r.on_runner([this] {
      acceptor.close();
      accepted.clear();
      return 0;
    });
  }
  void accept_next() {
    acceptor.async_accept([this](error_code ec, tcp::socket s) {
      if (ec) return;
      accepted.push_back(std::make_unique<tcp::socket>(std::move(s)));
      accept_next();
    });
  }
  // Reads n bytes from the latest connection.
  std::string read(std::size_t n) {
    auto done = std::make_shared<std::promise<std::string>>();
    auto result = done->get_future();
    net::post(r.ioc, [this, n, done] {
      auto text = std::make_shared<std::string>(n, '\0');
      net::async_read(*accepted.back(), net::buffer(*text),
                      [text, done](error_code ec, std::size_t) {
                        done->set_value(ec ? "error: " + ec.message() : *text);
                      });
    });
    return wait_for(result);
  }
  // Writes text to the latest connection.
  void write(const std::string& text) {
    auto done = std::make_shared<std::promise<error_code>>();
    auto result = done->get_future();
    net::post(r.ioc, [this, text, done] {
      auto owned = std::make_shared<std::string>(text);
      net::async_write(*accepted.back(), net::buffer(*owned),
                       [owned, done](error_code ec, std::size_t) { done->set_value(ec); });
    });
    BOOST_TEST(wait_for(result) == error_code());
  }
};

struct outcome {
  error_code ec;
  std::size_t bytes = 0;
  std::thread::id thread;
};

}  // namespace

// Boost.Asio's chat client: main() starts async_connect, then a thread runs the context while
// main() goes on (reading standard input there).
BOOST_AUTO_TEST_CASE(async_connect_before_any_runner_starts_on_the_runner) {
  peer p;
  net::io_context ioc;
  tcp::socket s(ioc);
  outcome connected;
  s.async_connect(p.endpoint, [&](error_code ec) {
    connected = {ec, 0, std::this_thread::get_id()};
    s.close();  // in the realm, as the chat client posts its close
  });
  std::thread t([&] { ioc.run(); });
  const auto runner_id = t.get_id();
  t.join();
  BOOST_TEST(connected.ec == error_code());
  BOOST_TEST((connected.thread == runner_id));
  BOOST_TEST(!s.is_open());
}

BOOST_AUTO_TEST_CASE(calls_from_a_thread_outside_the_realm) {
  peer p;
  runner r;
  tcp::socket s(r.ioc);
  auto connected = std::make_shared<std::promise<error_code>>();
  auto connected_f = connected->get_future();
  net::post(r.ioc, [&, connected] {
    s.async_connect(p.endpoint, [connected](error_code ec) { connected->set_value(ec); });
  });
  BOOST_REQUIRE(wait_for(connected_f) == error_code());

  // Synchronous calls from main(): the socket's JS is the runner's.
  error_code ec;
  std::array<char, 1> one{{'x'}};
  BOOST_TEST(s.write_some(net::buffer(one), ec) == 0u);
  BOOST_TEST(ec == wrong_thread);
  ec = {};
  s.available(ec);
  BOOST_TEST(ec == wrong_thread);
  ec = {};
  s.remote_endpoint(ec);
  BOOST_TEST(ec == wrong_thread);
  ec = {};
  s.cancel(ec);
  BOOST_TEST(ec == wrong_thread);
  ec = {};
  s.set_option(tcp::no_delay(true), ec);
  BOOST_TEST(ec == wrong_thread);
  BOOST_CHECK_THROW(s.shutdown(tcp::socket::shutdown_both), boost::system::system_error);

  // An asynchronous one moves to the runner and works.
  auto wrote = std::make_shared<std::promise<outcome>>();
  auto wrote_f = wrote->get_future();
  const std::string hello = "hello from main";
  s.async_write_some(net::buffer(hello), [wrote](error_code ec, std::size_t n) {
    wrote->set_value({ec, n, std::this_thread::get_id()});
  });
  const outcome w = wait_for(wrote_f);
  BOOST_TEST(w.ec == error_code());
  BOOST_TEST(w.bytes == hello.size());
  BOOST_TEST((w.thread == r.thread.get_id()));
  BOOST_TEST(p.read(hello.size()) == hello);

  r.on_runner([&] {
    s.close();
    return 0;
  });
}

// A connection accepted on one thread into a socket of a context that another thread runs: its
// JS is the accepting thread's.
BOOST_AUTO_TEST_CASE(operations_on_a_socket_of_another_threads_realm) {
  runner a;  // runs the socket's context
  runner b;  // runs the acceptor's, and accepts into the socket
  tcp::acceptor acceptor(b.ioc);
  tcp::socket s(a.ioc);
  tcp::socket client(a.ioc);
  const tcp::endpoint endpoint = b.on_runner([&] {
    acceptor.open(tcp::v4());
    acceptor.bind({net::ip::make_address("127.0.0.1"), 0});
    acceptor.listen();
    return acceptor.local_endpoint();
  });
  auto accepted = std::make_shared<std::promise<error_code>>();
  auto accepted_f = accepted->get_future();
  net::post(b.ioc, [&, accepted] {
    acceptor.async_accept(s, [accepted](error_code ec) { accepted->set_value(ec); });
  });
  auto connected = std::make_shared<std::promise<error_code>>();
  auto connected_f = connected->get_future();
  net::post(a.ioc, [&, connected] {
    client.async_connect(endpoint, [connected](error_code ec) { connected->set_value(ec); });
  });
  BOOST_REQUIRE(wait_for(accepted_f) == error_code());
  BOOST_REQUIRE(wait_for(connected_f) == error_code());

  // Started on the context's thread: the socket's JS is the other thread's. Refused.
  std::array<char, 16> buf{};
  auto refused = std::make_shared<std::promise<outcome>>();
  auto refused_f = refused->get_future();
  net::post(a.ioc, [&, refused] {
    s.async_read_some(net::buffer(buf), [refused](error_code ec, std::size_t n) {
      refused->set_value({ec, n, std::this_thread::get_id()});
    });
  });
  const outcome no = wait_for(refused_f);
  BOOST_TEST(no.ec == wrong_thread);
  BOOST_TEST(no.bytes == 0u);
  BOOST_TEST((no.thread == a.thread.get_id()));

  // Started on the thread that holds its JS: works, and the handler runs on the context's
  // thread, as every handler of the context does.
  auto read = std::make_shared<std::promise<outcome>>();
  auto read_f = read->get_future();
  net::post(b.ioc, [&, read] {
    s.async_read_some(net::buffer(buf), [read](error_code ec, std::size_t n) {
      read->set_value({ec, n, std::this_thread::get_id()});
    });
  });
  const std::string hello = "hello";
  net::post(a.ioc,
            [&] { net::async_write(client, net::buffer(hello), [](error_code, std::size_t) {}); });
  const outcome yes = wait_for(read_f);
  BOOST_TEST(yes.ec == error_code());
  BOOST_TEST(std::string(buf.data(), yes.bytes) == hello);
  BOOST_TEST((yes.thread == a.thread.get_id()));

  b.on_runner([&] {
    s.close();
    acceptor.close();
    return 0;
  });
  a.on_runner([&] {
    client.close();
    return 0;
  });
}

BOOST_AUTO_TEST_CASE(close_from_another_thread_aborts_the_pending_read) {
  peer p;
  runner r;
  tcp::socket s(r.ioc);
  std::array<char, 16> buf{};
  auto read = std::make_shared<std::promise<outcome>>();
  auto read_f = read->get_future();
  auto connected = std::make_shared<std::promise<error_code>>();
  auto connected_f = connected->get_future();
  net::post(r.ioc, [&, read, connected] {
    s.async_connect(p.endpoint, [&, read, connected](error_code ec) {
      connected->set_value(ec);
      if (ec) return;
      s.async_read_some(net::buffer(buf), [read](error_code ec, std::size_t n) {
        read->set_value({ec, n, std::this_thread::get_id()});
      });
    });
  });
  BOOST_REQUIRE(wait_for(connected_f) == error_code());
  std::this_thread::sleep_for(50ms);  // the runner back in its wait, the read pending
  error_code ec;
  s.close(ec);
  BOOST_TEST(ec == error_code());
  BOOST_TEST(!s.is_open());
  const outcome o = wait_for(read_f);
  BOOST_TEST(o.ec == net::error::operation_aborted);
  BOOST_TEST((o.thread == r.thread.get_id()));
}
