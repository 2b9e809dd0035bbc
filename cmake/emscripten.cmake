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
# The heap grows: a server's memory use depends on its clients (a 1 MiB request body into a
# fixed 16 MiB heap that also holds the embedded files aborted with OOM, docs/browser.md).
target_link_options(asio_directsockets PUBLIC -fexceptions -sALLOW_MEMORY_GROWTH=1)
# The JS bridge: every .js file of asio_directsockets/js/bridge/ is one --js-library, passed in
# name order (docs/browser-bridge.md; each file defines its own keys, so the order changes
# nothing, but it is stable). Installed with the library; the installed export names the
# installed copies.
include(GNUInstallDirs)
file(GLOB ASIO_DS_JS_LIBRARIES CONFIGURE_DEPENDS
  "${CMAKE_CURRENT_SOURCE_DIR}/asio_directsockets/js/bridge/*.js")
list(SORT ASIO_DS_JS_LIBRARIES)
set(ASIO_DS_JS_INSTALL_DIR "${CMAKE_INSTALL_DATADIR}/asio_directsockets/js/bridge")
foreach(_ads_js IN LISTS ASIO_DS_JS_LIBRARIES)
  get_filename_component(_ads_js_name "${_ads_js}" NAME)
  set(_ads_js_installed "$<INSTALL_PREFIX>/${ASIO_DS_JS_INSTALL_DIR}/${_ads_js_name}")
  target_link_options(asio_directsockets PUBLIC
    "$<BUILD_INTERFACE:--js-library=${_ads_js}>"
    "$<INSTALL_INTERFACE:--js-library=${_ads_js_installed}>")
  # Programs relink when any file of the bridge changes.
  set_property(TARGET asio_directsockets APPEND PROPERTY INTERFACE_LINK_DEPENDS
    "$<BUILD_INTERFACE:${_ads_js}>" "$<INSTALL_INTERFACE:${_ads_js_installed}>")
endforeach()
install(FILES ${ASIO_DS_JS_LIBRARIES} DESTINATION ${ASIO_DS_JS_INSTALL_DIR})

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
