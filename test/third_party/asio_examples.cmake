# Boost.Asio's own examples (Debian's libboost1.81-doc), moved over by the link
# line alone: they spell `boost::asio::io_context` and `boost::asio::` out, and
# are compiled unchanged, linked with asio_directsockets::asio_directsockets.
# Their servers listen on every interface, which tests here must not do, so
# the clients run against 127.0.0.1 peers: a Node echo server (TCP) and this
# project's UDP echo example; the self-contained programs run alone.

set(ASIO_DS_ASIO_EXAMPLES "/usr/share/doc/libboost1.81-doc/examples/libs/asio/example"
    CACHE PATH "Boost.Asio's example sources (Debian package libboost1.81-doc)")

# asio_ds_port_asio_example(<target> <path under the examples>)
function(asio_ds_port_asio_example target relpath)
  set(src "${ASIO_DS_ASIO_EXAMPLES}/${relpath}")
  if(NOT EXISTS "${src}")
    message(FATAL_ERROR "Asio example ${src} not found: apt-get install libboost1.81-doc")
  endif()
  add_executable(${target} "${src}")
  get_filename_component(dir "${src}" DIRECTORY)
  target_include_directories(${target} PRIVATE "${dir}")  # its headers (chat_message.hpp)
  target_link_libraries(${target} PRIVATE asio_directsockets::asio_directsockets)
  target_compile_options(${target} PRIVATE -g0)
  if(EMSCRIPTEN)
    target_link_libraries(${target} PRIVATE asio_directsockets::blocking)
  else()
    find_package(Threads REQUIRED)
    target_link_libraries(${target} PRIVATE Threads::Threads)
  endif()
endfunction()

set(_echo_js ${ASIO_DS_NODE} ${PROJECT_SOURCE_DIR}/test/support/echo_server.js)
asio_ds_json(_echo_json ${_echo_js} {port})

# Synchronous TCP clients: connect, write, read back (the echo client reads its
# message from standard input; the timeout clients run the context with
# run_for() around every operation).
asio_ds_port_asio_example(asio_blocking_tcp_echo_client cpp11/echo/blocking_tcp_echo_client.cpp)
asio_ds_port_asio_example(asio_blocking_tcp_client cpp11/timeouts/blocking_tcp_client.cpp)
asio_ds_port_asio_example(asio_blocking_token_tcp_client
                          cpp11/timeouts/blocking_token_tcp_client.cpp)
asio_ds_command(echo_cli asio_blocking_tcp_echo_client)
asio_ds_command(timeout_cli asio_blocking_tcp_client)
asio_ds_command(token_cli asio_blocking_token_tcp_client)
asio_ds_json(echo_json ${echo_cli} 127.0.0.1 {port})
asio_ds_json(timeout_json ${timeout_cli} 127.0.0.1 {port} "line with timeouts")
asio_ds_json(token_json ${token_cli} 127.0.0.1 {port} "line with a token")
add_test(NAME asio_tcp_clients COMMAND ${_pair} --server ${_echo_json} --ready "echo server ready"
         --client ${echo_json} --stdin "hello from asio's example\n"
         --expect "Reply is: hello from asio's example"
         --client ${timeout_json} --expect "Round trip time"
         --client ${token_json} --expect "Round trip time")

# The C++20 throttling proxy (coroutines, an experimental channel as a token
# bucket, awaitable operators) between those clients and the echo server.
asio_ds_port_asio_example(asio_throttling_proxy cpp20/channels/throttling_proxy.cpp)
asio_ds_command(proxy asio_throttling_proxy)
asio_ds_json(proxy_json ${proxy} 127.0.0.1 {port} 127.0.0.1 {port+1})
asio_ds_json(echo1_json ${_echo_js} {port+1})
add_test(NAME asio_throttling_proxy COMMAND ${_pair}
         --server ${echo1_json} --ready "echo server ready" --server ${proxy_json}
         --client ${echo_json} --stdin "through the proxy\n" --expect "Reply is: through the proxy"
         --client ${timeout_json} --expect "Round trip time")

# The synchronous UDP echo client against this project's UDP echo example.
if(ASIO_DS_BUILD_EXAMPLES)
asio_ds_port_asio_example(asio_blocking_udp_echo_client cpp11/echo/blocking_udp_echo_client.cpp)
asio_ds_command(udp_srv udp_echo)
asio_ds_command(udp_cli asio_blocking_udp_echo_client)
asio_ds_json(udp_srv_json ${udp_srv} server 127.0.0.1 {port})
asio_ds_json(udp_cli_json ${udp_cli} 127.0.0.1 {port})
add_test(NAME asio_udp_client COMMAND ${_pair} --server ${udp_srv_json} --ready listening
         --client ${udp_cli_json} --stdin "datagram from asio's example\n"
         --expect "Reply is: datagram from asio's example")
endif()

# Self-contained: a timer on a user-defined clock (time_t) with its own wait
# traits, deferred timer waits.
asio_ds_port_asio_example(asio_time_t_timer cpp11/timers/time_t_timer.cpp)
asio_ds_port_asio_example(asio_deferred_2 cpp11/deferred/deferred_2.cpp)
asio_ds_command(cmd asio_time_t_timer)
add_test(NAME asio_time_t_timer COMMAND ${cmd})
set_tests_properties(asio_time_t_timer PROPERTIES
  PASS_REGULAR_EXPRESSION "Finished synchronous wait.*timeout.*Finished asynchronous wait")
asio_ds_command(cmd asio_deferred_2)
add_test(NAME asio_deferred_2 COMMAND ${cmd})
set_tests_properties(asio_deferred_2 PROPERTIES
  # The message of a success code is "Success" in glibc, "No error information" in musl (wasm).
  PASS_REGULAR_EXPRESSION "first timer wait finished: (Success|No error information)\n.*second timer wait finished: (Success|No error information)\n")

if(NOT EMSCRIPTEN)
  # Compiled only (their servers listen on every interface or a fixed port):
  # the API surface they use must exist and behave at compile time.
  foreach(relpath IN ITEMS cpp11/echo/async_tcp_echo_server.cpp cpp11/echo/async_udp_echo_server.cpp
                           cpp11/chat/chat_server.cpp cpp11/chat/chat_client.cpp
                           cpp11/timeouts/async_tcp_client.cpp cpp11/timeouts/server.cpp
                           cpp11/allocation/server.cpp cpp11/invocation/prioritised_handlers.cpp
                           cpp20/coroutines/chat_server.cpp cpp20/coroutines/timeout.cpp
                           cpp20/operations/composed_7.cpp
                           cpp20/operations/callback_wrapper.cpp)
    string(REGEX REPLACE "[/.]" "_" name "${relpath}")
    string(REGEX REPLACE "_cpp$" "" name "${name}")
    asio_ds_port_asio_example(asio_${name} ${relpath})
  endforeach()

  # The chat client (a thread reads standard input, another runs the context) against a chat
  # server on 127.0.0.1: a line typed, its echo from the server, then end of input. The -pthread
  # browser build runs the same test under Node and in Chromium (test/CMakeLists.txt).
  set(_chat_js ${ASIO_DS_NODE} ${PROJECT_SOURCE_DIR}/test/support/chat_server.js)
  asio_ds_json(chat_srv_json ${_chat_js} {port})
  asio_ds_json(chat_cli_json $<TARGET_FILE:asio_cpp11_chat_chat_client> 127.0.0.1 {port})
  add_test(NAME asio_chat_client COMMAND ${_pair} --server ${chat_srv_json}
           --ready "chat server ready" --expect-server "chat: typed on standard input"
           --client ${chat_cli_json} --stdin "typed on standard input\n" --hold-stdin 2000
           --expect "typed on standard input")
endif()

if(ASIO_DS_BROWSER_TESTS)
  # In headless Chromium with real Direct Sockets: the throttling proxy listening
  # in a page (TCPServerSocket), the timeout clients in a Worker and in a page,
  # and the user-defined-clock timer in a page.
  asio_ds_command(proxy_page asio_throttling_proxy page)
  asio_ds_command(timeout_worker asio_blocking_tcp_client worker)
  asio_ds_command(token_page asio_blocking_token_tcp_client page)
  asio_ds_json(proxy_page_json ${proxy_page} 127.0.0.1 {port} 127.0.0.1 {port+1})
  asio_ds_json(timeout_worker_json ${timeout_worker} 127.0.0.1 {port} "from a worker")
  asio_ds_json(token_page_json ${token_page} 127.0.0.1 {port} "from a page")
  add_test(NAME browser_asio_throttling_proxy COMMAND ${_pair}
           --server ${echo1_json} --ready "echo server ready" --server ${proxy_page_json}
           --client ${timeout_worker_json} --expect "Round trip time"
           --client ${token_page_json} --expect "Round trip time")
  asio_ds_command(cmd asio_time_t_timer page)
  add_test(NAME browser_asio_time_t_timer COMMAND ${cmd})
  set_tests_properties(browser_asio_time_t_timer PROPERTIES
    PASS_REGULAR_EXPRESSION "Finished synchronous wait.*timeout.*Finished asynchronous wait")
endif()
