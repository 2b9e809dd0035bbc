// The Direct Sockets backend's op table (its ids are what the JS bridge hands back): a live id
// finds its entry, and a stale, released, made-up or reused-slot id finds nothing. Header-only,
// so it is tested natively.
#include <asio_directsockets/detail/backend/direct_sockets/op_table.hpp>

#include <boost/test/unit_test.hpp>

#include <climits>
#include <vector>

namespace {
using table = asio_directsockets::detail::ds::op_table<int>;
}  // namespace

BOOST_AUTO_TEST_SUITE(ds_op_table)

BOOST_AUTO_TEST_CASE(live_ids_find_their_entry_and_only_once) {
  table t;
  const int a = t.add(10), b = t.add(20);
  BOOST_TEST(a > 0);
  BOOST_TEST(b > 0);
  BOOST_TEST(a != b);
  BOOST_TEST(*t.find(a) == 10);
  BOOST_TEST(*t.find(b) == 20);
  BOOST_TEST(t.release(a));
  BOOST_TEST(!t.find(a));
  BOOST_TEST(!t.release(a));  // a second completion for one id finds nothing
  BOOST_TEST(*t.find(b) == 20);
  BOOST_TEST(t.size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_reused_slot_does_not_answer_to_its_old_id) {
  table t;
  const int old_id = t.add(1);
  t.release(old_id);
  const int new_id = t.add(2);  // the same slot, a new generation
  BOOST_TEST(new_id != old_id);
  BOOST_TEST(!t.find(old_id));
  BOOST_TEST(*t.find(new_id) == 2);
}

BOOST_AUTO_TEST_CASE(generations_wrap_without_reaching_zero_or_going_negative) {
  table t;
  std::vector<int> seen;
  for (unsigned i = 0; i < 2 * table::max_generation + 5; ++i) {
    const int id = t.add(static_cast<int>(i));
    BOOST_TEST_REQUIRE(id > 0);
    BOOST_TEST_REQUIRE(*t.find(id) == static_cast<int>(i));
    t.release(id);
  }
}

BOOST_AUTO_TEST_CASE(made_up_ids_find_nothing) {
  table t;
  const int id = t.add(7);
  for (int bogus : {0, -1, INT_MIN, INT_MAX, id + 1, id ^ (1 << table::index_bits), id - 1})
    BOOST_TEST(!t.find(bogus), "id " << bogus);
  BOOST_TEST(*t.find(id) == 7);
}

BOOST_AUTO_TEST_SUITE_END()
