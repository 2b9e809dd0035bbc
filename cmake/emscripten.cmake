# The browser build: the Direct Sockets backend sources, the JS bridge linked
# with --js-library, and the compile flags Boost.Asio needs under Emscripten
# 3.1.6 (see docs/browser.md for why each one is there).
target_sources(asio_directsockets PRIVATE
  asio_directsockets/src/backend/direct_sockets/bridge_errors.cpp
  asio_directsockets/src/backend/direct_sockets/browser_loop.cpp
  asio_directsockets/src/backend/direct_sockets/addresses.cpp
  asio_directsockets/src/backend/direct_sockets/browser_reactor.cpp
  asio_directsockets/src/backend/direct_sockets/cross_thread_wake.cpp
  asio_directsockets/src/backend/direct_sockets/descriptors.cpp
  asio_directsockets/src/backend/direct_sockets/operations.cpp
  asio_directsockets/src/backend/direct_sockets/realms.cpp
  asio_directsockets/src/backend/direct_sockets/uncaught_exception.cpp
  asio_directsockets/src/backend/direct_sockets/program_end.cpp)
# ads_describe_exception (uncaught_exception.cpp) is called only from JS (js/runtime/uncaught.js):
# pull its object out of the static library into every program.
target_link_options(asio_directsockets PUBLIC "-Wl,--undefined=ads_describe_exception")
# Threads (docs/threading.md, "In the browser"): -pthread builds with Asio's threading on; without
# it the build has one thread and Asio's locks compile away.
option(ASIO_DS_THREADS "Browser build with threads (-pthread)" OFF)
# How blocking-mode programs suspend on the browser's event loop: JSPI (V8's JavaScript Promise
# Integration; needs wasm exceptions, Chromium 137+ or Node 25+; the default: faster and half the
# code) or ASYNCIFY (a code transform; JS exceptions; any engine; the default of -pthread builds,
# where JSPI is not tested yet). The choice is the whole build's: every object of a program must
# use the same exception model (docs/browser.md "Blocking mode").
if(ASIO_DS_THREADS)
  set(_ads_default_blocking asyncify)
else()
  set(_ads_default_blocking jspi)
endif()
set(ASIO_DS_BLOCKING "${_ads_default_blocking}" CACHE STRING
    "Blocking mode of the browser build: jspi or asyncify")
set_property(CACHE ASIO_DS_BLOCKING PROPERTY STRINGS jspi asyncify)
if(ASIO_DS_BLOCKING STREQUAL "jspi")
  set(ASIO_DS_EXCEPTIONS -fwasm-exceptions)
elseif(ASIO_DS_BLOCKING STREQUAL "asyncify")
  set(ASIO_DS_EXCEPTIONS -fexceptions)
else()
  message(FATAL_ERROR "ASIO_DS_BLOCKING must be jspi or asyncify, not '${ASIO_DS_BLOCKING}'")
endif()
target_compile_options(asio_directsockets PUBLIC
  ${ASIO_DS_EXCEPTIONS} -Wno-deprecated-experimental-coroutine)
target_compile_definitions(asio_directsockets PUBLIC
  BOOST_ASIO_HAS_CO_AWAIT=1 BOOST_ASIO_HAS_STD_INVOKE_RESULT)
if(ASIO_DS_THREADS)
  target_compile_options(asio_directsockets PUBLIC -pthread)
  # ads_main_ended_on_thread (program_end.cpp) is called only from JS: keep it in every program.
  target_link_options(asio_directsockets PUBLIC -pthread
    "-Wl,--undefined=ads_main_ended_on_thread")
else()
  target_compile_definitions(asio_directsockets PUBLIC BOOST_ASIO_DISABLE_THREADS)
endif()
# The heap grows: a server's memory use depends on its clients (a 1 MiB request body into a
# fixed 16 MiB heap that also holds the embedded files aborted with OOM, docs/browser.md).
target_link_options(asio_directsockets PUBLIC ${ASIO_DS_EXCEPTIONS} -sALLOW_MEMORY_GROWTH=1)
# The JS bridge: every .js file of asio_directsockets/js/bridge/ is one --js-library, passed in
# name order (docs/browser-bridge.md; each file defines its own keys, so the order changes
# nothing, but it is stable). Installed with the library; the installed export names the
# installed copies.
include(GNUInstallDirs)
if(ASIO_DS_EXCEPTIONS STREQUAL "-fwasm-exceptions")
  # The C++ exception tag, so that JS can read an uncaught exception (js/runtime/uncaught.js).
  target_link_options(asio_directsockets PUBLIC "-Wl,--export=__cpp_exception")
  # A clang plugin keeps coroutines that catch in a loop from being miscompiled.
  include(${CMAKE_CURRENT_SOURCE_DIR}/cmake/eh_pad_cycle_fix.cmake)
endif()
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
# Not the bridge: uncaught C++ exceptions reported with type and what() (js/runtime/uncaught.js,
# C++ side uncaught_exception.cpp).
# And how a -pthread program ends when main() returns (js/runtime/program_end.js), and where a
# pthread reads standard input (js/runtime/stdin_on_thread.js).
foreach(_ads_runtime uncaught program_end stdin_on_thread)
  set(_ads_rt_js "${CMAKE_CURRENT_SOURCE_DIR}/asio_directsockets/js/runtime/${_ads_runtime}.js")
  set(_ads_rt_installed
      "$<INSTALL_PREFIX>/${CMAKE_INSTALL_DATADIR}/asio_directsockets/js/runtime/${_ads_runtime}.js")
  target_link_options(asio_directsockets PUBLIC
    "$<BUILD_INTERFACE:--js-library=${_ads_rt_js}>"
    "$<INSTALL_INTERFACE:--js-library=${_ads_rt_installed}>")
  set_property(TARGET asio_directsockets APPEND PROPERTY INTERFACE_LINK_DEPENDS
    "$<BUILD_INTERFACE:${_ads_rt_js}>" "$<INSTALL_INTERFACE:${_ads_rt_installed}>")
  install(FILES ${_ads_rt_js} DESTINATION ${CMAKE_INSTALL_DATADIR}/asio_directsockets/js/runtime)
endforeach()

# Under Node, standard input that blocks as natively (js/runtime/node_stdin.js: Emscripten 3.1.6
# makes a piped one non-blocking, and a read before the next line fails).
set(_ads_stdin_js "${CMAKE_CURRENT_SOURCE_DIR}/asio_directsockets/js/runtime/node_stdin.js")
target_link_options(asio_directsockets PUBLIC
  "$<BUILD_INTERFACE:SHELL:--pre-js ${_ads_stdin_js}>"
  "$<INSTALL_INTERFACE:SHELL:--pre-js $<INSTALL_PREFIX>/${CMAKE_INSTALL_DATADIR}/asio_directsockets/js/runtime/node_stdin.js>")
set_property(TARGET asio_directsockets APPEND PROPERTY INTERFACE_LINK_DEPENDS
  "$<BUILD_INTERFACE:${_ads_stdin_js}>")
install(FILES ${_ads_stdin_js} DESTINATION ${CMAKE_INSTALL_DATADIR}/asio_directsockets/js/runtime)

# Blocking mode: run() suspends on the JS event loop (unchanged programs).
# Link a program with this to get it; see docs/browser.md for the cost.
add_library(asio_directsockets_blocking INTERFACE)
add_library(asio_directsockets::blocking ALIAS asio_directsockets_blocking)
# The post-js gives main()'s real return value as the exit status (Emscripten
# 3.1.6 reports a meaningless one when main() first suspends).
set_target_properties(asio_directsockets_blocking PROPERTIES EXPORT_NAME blocking)
set(ASIO_DS_BLOCKING_POST_JS "${CMAKE_CURRENT_SOURCE_DIR}/asio_directsockets/js/blocking_exit_status.js")
set(ASIO_DS_JSPI_PRE_JS "${CMAKE_CURRENT_SOURCE_DIR}/asio_directsockets/js/jspi_pre.js")
set(_ads_js_dir "$<INSTALL_PREFIX>/${CMAKE_INSTALL_DATADIR}/asio_directsockets/js")
install(FILES ${ASIO_DS_BLOCKING_POST_JS} ${ASIO_DS_JSPI_PRE_JS}
        DESTINATION ${CMAKE_INSTALL_DATADIR}/asio_directsockets/js)
if(ASIO_DS_BLOCKING STREQUAL "jspi")
  # jspi_pre.js wraps the ads_wait import in WebAssembly.Suspending; the post-js enters main()
  # through WebAssembly.promising, which needs the export by name (-lexports.js keeps names).
  target_link_options(asio_directsockets_blocking INTERFACE
    "$<BUILD_INTERFACE:SHELL:--pre-js ${ASIO_DS_JSPI_PRE_JS}>"
    "$<INSTALL_INTERFACE:SHELL:--pre-js ${_ads_js_dir}/jspi_pre.js>" -lexports.js)
  set_property(TARGET asio_directsockets_blocking APPEND PROPERTY INTERFACE_LINK_DEPENDS
    "$<BUILD_INTERFACE:${ASIO_DS_JSPI_PRE_JS}>")
else()
  target_link_options(asio_directsockets_blocking INTERFACE
    -sASYNCIFY "SHELL:-sASYNCIFY_IMPORTS=['ads_wait']" -sASYNCIFY_STACK_SIZE=65536)
endif()
# The post-js from the build tree, or the installed copy in the installed package.
target_link_options(asio_directsockets_blocking INTERFACE
  "$<BUILD_INTERFACE:SHELL:--post-js ${ASIO_DS_BLOCKING_POST_JS}>"
  "$<INSTALL_INTERFACE:SHELL:--post-js ${_ads_js_dir}/blocking_exit_status.js>")
set_property(TARGET asio_directsockets_blocking APPEND PROPERTY INTERFACE_LINK_DEPENDS
  "$<BUILD_INTERFACE:${ASIO_DS_BLOCKING_POST_JS}>")

# No toolchain traps (acorn for the links, the test emulator): shared with the installed package,
# whose config includes the same file (cmake/asio_directsockets_wasm_toolchain.cmake).
set(ASIO_DS_NODE_REGISTER "${CMAKE_CURRENT_SOURCE_DIR}/asio_directsockets/js/node/register.js")
include(${CMAKE_CURRENT_SOURCE_DIR}/cmake/asio_directsockets_wasm_toolchain.cmake)
install(FILES ${CMAKE_CURRENT_SOURCE_DIR}/cmake/asio_directsockets_wasm_toolchain.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/asio_directsockets)
file(GLOB _ads_node_js "${CMAKE_CURRENT_SOURCE_DIR}/asio_directsockets/js/node/*.js")
install(FILES ${_ads_node_js} DESTINATION ${CMAKE_INSTALL_DATADIR}/asio_directsockets/js/node)
