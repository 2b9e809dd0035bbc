# Helpers shared by the tests of test/, test/third_party/ and examples/, and the one lookup of the
# browsers the headless-Chromium tier runs in. Included by the top-level CMakeLists.txt before
# those directories, so what is set here is visible in all of them.

# The headless-Chromium runner and its Isolated Web App route (docs/browser-tests.md, docs/iwa.md).
set(ASIO_DS_RUNNER "${PROJECT_SOURCE_DIR}/asio_directsockets/tools/browser/run.js")
set(ASIO_DS_IWA_RUNNER "${PROJECT_SOURCE_DIR}/asio_directsockets/tools/browser/iwa.js")

# The browser tier (label "browser") is part of the wasm build's tests and is required, as in CI
# (test/run-all.sh runs `ctest -L browser`): a wasm build whose browsers are missing stops here
# with a message instead of silently registering fewer tests. Turn it off explicitly to build
# and run the Node tier alone.
if(EMSCRIPTEN)
  option(ASIO_DS_BROWSER_TESTS "Register the tests that run in headless Chromium (wasm build)" ON)
else()
  set(ASIO_DS_BROWSER_TESTS OFF)
endif()
if(ASIO_DS_BROWSER_TESTS)
  set(ASIO_DS_BROWSER "/usr/lib/chromium/chromium-shell" CACHE FILEPATH
      "content_shell binary for the browser tests (Debian package chromium-shell)")
  set(ASIO_DS_CHROMIUM "/usr/lib/chromium/chromium" CACHE FILEPATH
      "full Chromium for the Isolated Web App tests (Debian package chromium)")
  find_program(ASIO_DS_NODE node)
  find_program(ASIO_DS_PYTHON python3)
  set(_missing "")
  if(NOT EXISTS "${ASIO_DS_BROWSER}")
    list(APPEND _missing "content_shell (ASIO_DS_BROWSER=${ASIO_DS_BROWSER})")
  endif()
  if(NOT EXISTS "${ASIO_DS_CHROMIUM}")
    list(APPEND _missing "Chromium (ASIO_DS_CHROMIUM=${ASIO_DS_CHROMIUM})")
  endif()
  if(NOT ASIO_DS_NODE)
    list(APPEND _missing "node")
  endif()
  if(NOT ASIO_DS_PYTHON)
    list(APPEND _missing "python3")
  endif()
  if(_missing)
    list(JOIN _missing ", " _missing)
    message(FATAL_ERROR "The browser tests need ${_missing}. .ci/setup installs them "
      "(Debian packages chromium-shell, chromium, python3; Node.js 20). Point ASIO_DS_BROWSER or "
      "ASIO_DS_CHROMIUM at other binaries, or configure with -DASIO_DS_BROWSER_TESTS=OFF to "
      "leave the browser tier out.")
  endif()
endif()

# asio_ds_json(<out> <arg>...): the arguments as a JSON array of strings, the form in which
# test/support/pair.js takes each command it starts.
function(asio_ds_json out)
  set(items "")
  foreach(a IN LISTS ARGN)
    string(REPLACE "\"" "\\\"" a "${a}")
    list(APPEND items "\"${a}\"")
  endforeach()
  list(JOIN items "," joined)
  set(${out} "[${joined}]" PARENT_SCOPE)
endfunction()

# asio_ds_command(<out> <target> [page|worker [TIMEOUT <s>] [RUNNER_OPTIONS <opt>...]]): the argv
# prefix that starts a test program: natively the program itself, in the wasm build the
# crosscompiling emulator (node with the Node implementation of Direct Sockets), or with
# page|worker the browser runner in headless Chromium (its own time limit, 300 s unless TIMEOUT
# says, and run.js options such as --stdin). The program's own arguments follow.
function(asio_ds_command out target)
  cmake_parse_arguments(PARSE_ARGV 2 arg "" "TIMEOUT" "RUNNER_OPTIONS")
  if(NOT arg_TIMEOUT)
    set(arg_TIMEOUT 300)
  endif()
  if(arg_UNPARSED_ARGUMENTS)
    set(${out} ${ASIO_DS_NODE} ${ASIO_DS_RUNNER} --mode ${arg_UNPARSED_ARGUMENTS}
        --timeout ${arg_TIMEOUT} ${arg_RUNNER_OPTIONS}
        --browser ${ASIO_DS_BROWSER} "$<TARGET_FILE:${target}>" -- PARENT_SCOPE)
  elseif(EMSCRIPTEN)
    set(${out} ${CMAKE_CROSSCOMPILING_EMULATOR} "$<TARGET_FILE:${target}>" PARENT_SCOPE)
  else()
    set(${out} "$<TARGET_FILE:${target}>" PARENT_SCOPE)
  endif()
endfunction()

# asio_ds_label_directory_tests(<label>): every test of the calling directory gets TIMEOUT 300 and
# <label>, and those named browser_* also the label "browser" (ctest -L browser).
function(asio_ds_label_directory_tests label)
  get_property(tests DIRECTORY PROPERTY TESTS)
  set_tests_properties(${tests} PROPERTIES TIMEOUT 300 LABELS ${label})
  foreach(t IN LISTS tests)
    if(t MATCHES "^browser_")
      set_property(TEST ${t} APPEND PROPERTY LABELS browser)
    endif()
  endforeach()
endfunction()
