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
