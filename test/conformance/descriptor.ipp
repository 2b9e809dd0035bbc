// posix::stream_descriptor on both ends of a ::pipe().

BOOST_AUTO_TEST_SUITE(descriptor)

using namespace conformance;

namespace {

struct pipe_ends {
  int read_fd = -1, write_fd = -1;
  pipe_ends() {
    int fds[2];
    BOOST_TEST_REQUIRE(::pipe(fds) == 0);
    read_fd = fds[0];
    write_fd = fds[1];
  }
};

}  // namespace

BOOST_AUTO_TEST_CASE(write_read_then_eof) {
  net::io_context ioc;
  pipe_ends p;
  net::posix::stream_descriptor rd(ioc, p.read_fd), wr(ioc, p.write_fd);
  BOOST_TEST(rd.is_open());
  BOOST_TEST(rd.native_handle() == p.read_fd);
  BOOST_TEST(wr.native_handle() == p.write_fd);

  std::array<char, 64> buf{};
  std::size_t written = 0, got = 0;
  int steps = 0;
  net::async_write(wr, net::buffer("hello pipe", 10), [&](error_code ec, std::size_t n) {
    CONF_CHECK_OK(ec);
    written = n;
    ++steps;
  });
  net::async_read(rd, net::buffer(buf.data(), 10), [&](error_code ec, std::size_t n) {
    CONF_CHECK_OK(ec);
    got = n;
    ++steps;
  });
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return steps == 2; }));
  BOOST_TEST(written == 10u);
  BOOST_TEST(got == 10u);
  BOOST_TEST(std::string(buf.data(), 10) == "hello pipe");

  // Closing the write end makes the pending read complete with EOF.
  error_code eof_ec;
  std::size_t eof_n = 999;
  bool done = false;
  rd.async_read_some(net::buffer(buf), [&](error_code ec, std::size_t n) {
    eof_ec = ec;
    eof_n = n;
    done = true;
  });
  ioc.poll();
  BOOST_TEST_REQUIRE(!done);
  wr.close();
  BOOST_TEST(!wr.is_open());
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return done; }));
  CONF_CHECK_EC(eof_ec, net::error::eof);
  BOOST_TEST(eof_n == 0u);
}

BOOST_AUTO_TEST_CASE(transfer_larger_than_pipe_buffer) {
  // 4 MiB through a pipe whose buffer is ~64 KiB: the writer must wait for the reader.
  net::io_context ioc;
  pipe_ends p;
  net::posix::stream_descriptor rd(ioc, p.read_fd), wr(ioc, p.write_fd);
  const pattern pat{7, 13, 251};
  std::vector<unsigned char> out(4u << 20);
  pat.fill(0, out.data(), out.size());

  std::string in;
  bool wrote = false, read_done = false;
  net::async_write(wr, net::buffer(out), [&](error_code ec, std::size_t n) {
    CONF_CHECK_OK(ec);
    BOOST_TEST(n == out.size());
    wr.close();
    wrote = true;
  });
  net::async_read(rd, net::dynamic_buffer(in), [&](error_code ec, std::size_t n) {
    CONF_CHECK_EC(ec, net::error::eof);
    BOOST_TEST(n == out.size());
    read_done = true;
  });
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return wrote && read_done; }));
  BOOST_TEST_REQUIRE(in.size() == out.size());
  BOOST_TEST(pat.first_mismatch(0, reinterpret_cast<const unsigned char*>(in.data()), in.size()) ==
             in.size());
}

BOOST_AUTO_TEST_CASE(cancel_and_close_abort_pending_read) {
  net::io_context ioc;
  pipe_ends p;
  net::posix::stream_descriptor rd(ioc, p.read_fd), wr(ioc, p.write_fd);
  std::array<char, 8> buf{};
  std::vector<error_code> results;
  auto handler = [&](error_code ec, std::size_t n) {
    BOOST_TEST(n == 0u);
    results.push_back(ec);
  };
  rd.async_read_some(net::buffer(buf), handler);
  ioc.poll();
  rd.cancel();
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return results.size() == 1; }));
  BOOST_TEST(rd.is_open());
  rd.async_read_some(net::buffer(buf), handler);
  ioc.poll();
  rd.close();
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return results.size() == 2; }));
  CONF_CHECK_EC(results[0], net::error::operation_aborted);
  CONF_CHECK_EC(results[1], net::error::operation_aborted);

  // Operations on a closed descriptor fail with bad_descriptor.
  error_code closed_ec;
  bool done = false;
  rd.async_read_some(net::buffer(buf), [&](error_code ec, std::size_t) {
    closed_ec = ec;
    done = true;
  });
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return done; }));
  CONF_CHECK_EC(closed_ec, net::error::bad_descriptor);
}

BOOST_AUTO_TEST_CASE(release_and_assign) {
  net::io_context ioc;
  pipe_ends p;
  net::posix::stream_descriptor wr(ioc, p.write_fd);
  net::posix::stream_descriptor rd(ioc);
  BOOST_TEST(!rd.is_open());
  rd.assign(p.read_fd);
  BOOST_TEST(rd.is_open());

  // release() hands the fd back without closing it.
  const int fd = wr.release();
  BOOST_TEST(fd == p.write_fd);
  BOOST_TEST(!wr.is_open());
  BOOST_TEST(::write(fd, "raw", 3) == 3);
  ::close(fd);

  std::string got;
  bool done = false;
  net::async_read(rd, net::dynamic_buffer(got), [&](error_code ec, std::size_t n) {
    CONF_CHECK_EC(ec, net::error::eof);
    BOOST_TEST(n == 3u);
    done = true;
  });
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return done; }));
  BOOST_TEST(got == "raw");
}

// native_non_blocking(true) is accepted and reported back; a closed descriptor reports
// bad_descriptor (false differs: see docs/api-differences.md).
BOOST_AUTO_TEST_CASE(native_non_blocking_setter) {
  net::io_context ioc;
  pipe_ends p;
  net::posix::stream_descriptor rd(ioc, p.read_fd), wr(ioc, p.write_fd);
  rd.native_non_blocking(true);
  BOOST_TEST(rd.native_non_blocking());
  error_code ec = net::error::fault;
  wr.native_non_blocking(true, ec);
  CONF_CHECK_OK(ec);
  rd.close();
  rd.native_non_blocking(true, ec);
  CONF_CHECK_EC(ec, net::error::bad_descriptor);
  BOOST_CHECK_THROW(rd.native_non_blocking(true), boost::system::system_error);
}

BOOST_AUTO_TEST_CASE(coroutine_lines_over_pipe) {
  net::io_context ioc;
  pipe_ends p;
  net::posix::stream_descriptor rd(ioc, p.read_fd), wr(ioc, p.write_fd);
  std::vector<std::string> lines;
  bool writer_done = false, reader_done = false;
  net::co_spawn(
      ioc,
      [&]() -> net::awaitable<void> {
        for (int i = 0; i < 100; ++i) {
          const std::string line = "line-" + std::to_string(i) + "\n";
          co_await net::async_write(wr, net::buffer(line), net::use_awaitable);
        }
        wr.close();
      },
      report_exception{&writer_done});
  net::co_spawn(
      ioc,
      [&]() -> net::awaitable<void> {
        std::string buf;
        for (;;) {
          auto [ec, n] = co_await net::async_read_until(rd, net::dynamic_buffer(buf), '\n',
                                                        net::as_tuple(net::use_awaitable));
          if (ec) {
            CONF_CHECK_EC(ec, net::error::eof);
            BOOST_TEST(buf.empty());
            break;
          }
          lines.push_back(buf.substr(0, n - 1));
          buf.erase(0, n);
        }
      },
      report_exception{&reader_done});
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return writer_done && reader_done; }));
  BOOST_TEST_REQUIRE(lines.size() == 100u);
  for (int i = 0; i < 100; ++i)
    BOOST_TEST(lines[i] == "line-" + std::to_string(i));
}

BOOST_AUTO_TEST_SUITE_END()
