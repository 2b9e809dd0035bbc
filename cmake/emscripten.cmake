# The browser build: the Direct Sockets backend sources, the JS bridge linked
# with --js-library, and the compile flags Boost.Asio needs under Emscripten
# 3.1.6 (see docs/browser.md for why each one is there).
target_sources(asio_directsockets PRIVATE
  asio_directsockets/src/backend/direct_sockets/bridge_errors.cpp
  asio_directsockets/src/backend/direct_sockets/browser_loop.cpp
  asio_directsockets/src/backend/direct_sockets/ds_sockets.cpp)
target_compile_options(asio_directsockets PUBLIC
  -fexceptions -Wno-deprecated-experimental-coroutine)
target_compile_definitions(asio_directsockets PUBLIC
  BOOST_ASIO_DISABLE_THREADS BOOST_ASIO_HAS_CO_AWAIT=1 BOOST_ASIO_HAS_STD_INVOKE_RESULT)
set(ASIO_DS_JS_LIBRARY "${CMAKE_CURRENT_SOURCE_DIR}/asio_directsockets/js/library_direct_sockets.js")
# The heap grows: a server's memory use depends on its clients (a 1 MiB request body into a
# fixed 16 MiB heap that also holds the embedded files aborted with OOM, docs/browser.md).
target_link_options(asio_directsockets PUBLIC
  -fexceptions "SHELL:--js-library ${ASIO_DS_JS_LIBRARY}" -sALLOW_MEMORY_GROWTH=1)
# Programs relink when the bridge changes (build tree only: the installed
# export must not name a source path).
set_property(TARGET asio_directsockets APPEND PROPERTY INTERFACE_LINK_DEPENDS
  "$<BUILD_INTERFACE:${ASIO_DS_JS_LIBRARY}>")

# Blocking mode: run() suspends on the JS event loop (unchanged programs).
# Link a program with this to get it; see docs/browser.md for the cost.
add_library(asio_directsockets_blocking INTERFACE)
add_library(asio_directsockets::blocking ALIAS asio_directsockets_blocking)
# The post-js gives main()'s real return value as the exit status (Emscripten
# 3.1.6 reports a meaningless one when main() first suspends).
set(ASIO_DS_BLOCKING_POST_JS "${CMAKE_CURRENT_SOURCE_DIR}/asio_directsockets/js/blocking_exit_status.js")
target_link_options(asio_directsockets_blocking INTERFACE
  -sASYNCIFY "SHELL:-sASYNCIFY_IMPORTS=['ads_wait']" -sASYNCIFY_STACK_SIZE=65536
  "SHELL:--post-js ${ASIO_DS_BLOCKING_POST_JS}")
set_property(TARGET asio_directsockets_blocking APPEND PROPERTY INTERFACE_LINK_DEPENDS
  "$<BUILD_INTERFACE:${ASIO_DS_BLOCKING_POST_JS}>")
