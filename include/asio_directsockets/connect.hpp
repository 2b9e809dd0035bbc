// connect()/async_connect() over endpoint sequences and iterator ranges for
// this library's sockets (Boost.Asio's versions take only its own sockets).
// Each endpoint is tried in order, the socket being closed between tries;
// the result is the endpoint (or iterator) that connected, or the last error.
#pragma once

#include <asio_directsockets/basic_socket.hpp>

#include <boost/asio/compose.hpp>
#include <boost/asio/error.hpp>

#include <iterator>
#include <utility>

namespace asio_directsockets {

namespace detail {

struct default_connect_condition {
  template <typename Endpoint>
  bool operator()(const boost::system::error_code&, const Endpoint&) const {
    return true;
  }
};

// Iterates [next, end), skipping endpoints the condition rejects.
template <typename Iterator, typename ConnectCondition>
Iterator next_candidate(Iterator next, Iterator end, ConnectCondition& cond,
                        const boost::system::error_code& ec) {
  for (; next != end; ++next)
    if (cond(ec, *next)) break;
  return next;
}

template <typename Protocol, typename Executor, typename Iterator, typename ConnectCondition>
class iterator_connect_op {
 public:
  iterator_connect_op(basic_socket<Protocol, Executor>& s, Iterator begin, Iterator end,
                      ConnectCondition cond)
      : socket_(s), iter_(begin), end_(end), cond_(std::move(cond)) {}

  template <typename Self>
  void operator()(Self& self, boost::system::error_code ec = {}) {
    if (started_) {
      if (!ec) return self.complete(ec, iter_);
      if (ec == boost::asio::error::operation_aborted ||
          self.cancelled() != boost::asio::cancellation_type::none)
        return self.complete(boost::asio::error::operation_aborted, end_);
      ++iter_;
    } else {
      ec = boost::asio::error::not_found;
    }
    started_ = true;
    last_ec_ = ec;
    iter_ = next_candidate(iter_, end_, cond_, last_ec_);
    if (iter_ == end_) return self.complete(last_ec_, end_);
    boost::system::error_code ignored;
    socket_.close(ignored);
    socket_.async_connect(*iter_, std::move(self));
  }

 private:
  basic_socket<Protocol, Executor>& socket_;
  Iterator iter_, end_;
  ConnectCondition cond_;
  boost::system::error_code last_ec_;
  bool started_ = false;
};

}  // namespace detail

// --- synchronous -------------------------------------------------------
template <typename Protocol, typename Executor, typename Iterator, typename ConnectCondition>
Iterator connect(basic_socket<Protocol, Executor>& s, Iterator begin, Iterator end,
                 ConnectCondition cond, boost::system::error_code& ec) {
  ec = boost::asio::error::not_found;
  for (Iterator it = begin; it != end; ++it) {
    if (!cond(ec, *it)) continue;
    s.close(ec);
    s.connect(*it, ec);
    if (!ec) return it;
  }
  return end;
}
template <typename Protocol, typename Executor, typename Iterator>
Iterator connect(basic_socket<Protocol, Executor>& s, Iterator begin, Iterator end,
                 boost::system::error_code& ec) {
  return connect(s, begin, end, detail::default_connect_condition(), ec);
}
template <typename Protocol, typename Executor, typename Iterator>
Iterator connect(basic_socket<Protocol, Executor>& s, Iterator begin, Iterator end) {
  boost::system::error_code ec;
  Iterator it = connect(s, begin, end, ec);
  detail::throw_error(ec, "connect");
  return it;
}
template <typename Protocol, typename Executor, typename EndpointSequence,
          typename ConnectCondition,
          typename = decltype(std::declval<const EndpointSequence&>().begin())>
typename Protocol::endpoint connect(basic_socket<Protocol, Executor>& s,
                                    const EndpointSequence& endpoints, ConnectCondition cond,
                                    boost::system::error_code& ec) {
  auto it = connect(s, endpoints.begin(), endpoints.end(), std::move(cond), ec);
  return ec ? typename Protocol::endpoint() : typename Protocol::endpoint(*it);
}
template <typename Protocol, typename Executor, typename EndpointSequence,
          typename = decltype(std::declval<const EndpointSequence&>().begin())>
typename Protocol::endpoint connect(basic_socket<Protocol, Executor>& s,
                                    const EndpointSequence& endpoints,
                                    boost::system::error_code& ec) {
  return connect(s, endpoints, detail::default_connect_condition(), ec);
}
template <typename Protocol, typename Executor, typename EndpointSequence,
          typename = decltype(std::declval<const EndpointSequence&>().begin())>
typename Protocol::endpoint connect(basic_socket<Protocol, Executor>& s,
                                    const EndpointSequence& endpoints) {
  boost::system::error_code ec;
  auto ep = connect(s, endpoints, ec);
  detail::throw_error(ec, "connect");
  return ep;
}

// --- asynchronous ------------------------------------------------------
// A connect condition is called as bool(error_code, endpoint); a completion
// handler is not expected to return bool. That tells the overloads apart.
template <typename C, typename Entry>
concept connect_condition =
    std::is_invocable_r_v<bool, C&, const boost::system::error_code&, const Entry&>;

// Iterator range -> handler(error_code, Iterator).
template <typename Protocol, typename Executor, typename Iterator, typename ConnectCondition,
          typename IteratorConnectToken = boost::asio::default_completion_token_t<Executor>>
requires connect_condition<ConnectCondition, typename std::iterator_traits<Iterator>::value_type>
auto async_connect(
    basic_socket<Protocol, Executor>& s, Iterator begin, Iterator end, ConnectCondition cond,
    IteratorConnectToken&& token = boost::asio::default_completion_token_t<Executor>()) {
  return boost::asio::async_compose<IteratorConnectToken,
                                    void(boost::system::error_code, Iterator)>(
      detail::iterator_connect_op<Protocol, Executor, Iterator, ConnectCondition>(s, begin, end,
                                                                                  std::move(cond)),
      token, s);
}
template <typename Protocol, typename Executor, typename Iterator,
          typename IteratorConnectToken = boost::asio::default_completion_token_t<Executor>>
requires(!connect_condition<
         IteratorConnectToken,
         typename std::iterator_traits<
             Iterator>::value_type>) auto async_connect(basic_socket<Protocol, Executor>& s,
                                                        Iterator begin, Iterator end,
                                                        IteratorConnectToken&& token =
                                                            boost::asio::default_completion_token_t<
                                                                Executor>()) {
  return async_connect(s, begin, end, detail::default_connect_condition(),
                       std::forward<IteratorConnectToken>(token));
}

// Endpoint sequence (e.g. resolver results) -> handler(error_code, endpoint).
template <typename Protocol, typename Executor, typename EndpointSequence,
          typename ConnectCondition,
          typename RangeConnectToken = boost::asio::default_completion_token_t<Executor>>
requires requires(const EndpointSequence& seq) {
  seq.begin();
} && connect_condition<ConnectCondition, typename Protocol::endpoint>
auto async_connect(
    basic_socket<Protocol, Executor>& s, const EndpointSequence& endpoints, ConnectCondition cond,
    RangeConnectToken&& token = boost::asio::default_completion_token_t<Executor>()) {
  using endpoint_type = typename Protocol::endpoint;
  using iterator = decltype(endpoints.begin());
  // The sequence is copied so the caller's results may go out of scope.
  return boost::asio::async_compose<RangeConnectToken,
                                    void(boost::system::error_code, endpoint_type)>(
      [seq = std::make_shared<EndpointSequence>(endpoints), cond = std::move(cond), &s,
       started = false](auto& self, boost::system::error_code ec = {},
                        iterator it = iterator()) mutable {
        if (!started) {
          started = true;
          return async_connect(s, seq->begin(), seq->end(), std::move(cond), std::move(self));
        }
        self.complete(ec, ec ? endpoint_type() : endpoint_type(*it));
      },
      token, s);
}
template <typename Protocol, typename Executor, typename EndpointSequence,
          typename RangeConnectToken = boost::asio::default_completion_token_t<Executor>>
requires requires(const EndpointSequence& seq) {
  seq.begin();
} &&(!connect_condition<RangeConnectToken, typename Protocol::endpoint>)auto async_connect(
    basic_socket<Protocol, Executor>& s, const EndpointSequence& endpoints,
    RangeConnectToken&& token = boost::asio::default_completion_token_t<Executor>()) {
  return async_connect(s, endpoints, detail::default_connect_condition(),
                       std::forward<RangeConnectToken>(token));
}

}  // namespace asio_directsockets
