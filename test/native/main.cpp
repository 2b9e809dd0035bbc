// native_only: behaviour of asio_directsockets that stock Boost.Asio lacks or
// leaves to the implementation (threading rules, foreign executors, teardown,
// idle CPU...). Native only: it needs threads, pipes and getrusage.
#define BOOST_TEST_MODULE native_only
#include <boost/test/included/unit_test.hpp>
