# The clang pass plugin that keeps Emscripten's clang from miscompiling coroutines that catch
# exceptions in a loop under wasm exceptions (asio_directsockets/tools/clang_plugin/, and
# docs/browser.md "Coroutines and wasm exceptions"). Built for the host at configure time against
# the LLVM of the clang Emscripten runs, and passed to every compile of the library and of the
# programs that link it (-fpass-plugin). Only wasm-exception builds need it.
option(ASIO_DS_EH_PAD_CYCLE_FIX "Build and load the clang plugin that fixes coroutine catch blocks under -fwasm-exceptions" ON)
if(NOT ASIO_DS_EH_PAD_CYCLE_FIX)
  return()
endif()

set(_ads_plugin_src
    "${CMAKE_CURRENT_SOURCE_DIR}/asio_directsockets/tools/clang_plugin/eh_pad_cycle_fix.cpp")
# The name carries the source's hash, so a changed plugin changes the compile flags and every
# object is rebuilt with it.
file(MD5 "${_ads_plugin_src}" _ads_plugin_hash)
string(SUBSTRING "${_ads_plugin_hash}" 0 12 _ads_plugin_hash)
set(_ads_plugin_name "asio_directsockets_eh_pad_cycle_fix-${_ads_plugin_hash}.so")
set(_ads_plugin "${CMAKE_CURRENT_BINARY_DIR}/${_ads_plugin_name}")

# The plugin must be built against the LLVM of the clang that em++ runs.
execute_process(COMMAND ${CMAKE_CXX_COMPILER} -v OUTPUT_VARIABLE _ads_v ERROR_VARIABLE _ads_v)
if(NOT _ads_v MATCHES "clang version ([0-9]+)\\.")
  message(FATAL_ERROR "asio_directsockets: cannot tell which clang ${CMAKE_CXX_COMPILER} runs")
endif()
set(_ads_llvm_major ${CMAKE_MATCH_1})
find_program(ASIO_DS_LLVM_CONFIG NAMES llvm-config-${_ads_llvm_major})
find_program(ASIO_DS_HOST_CXX NAMES g++ c++ clang++)
if(NOT ASIO_DS_LLVM_CONFIG OR NOT ASIO_DS_HOST_CXX)
  message(FATAL_ERROR
    "asio_directsockets: wasm-exception builds (ASIO_DS_BLOCKING=jspi) compile a clang plugin "
    "and need llvm-${_ads_llvm_major}-dev and a host C++ compiler (apt-get install "
    "llvm-${_ads_llvm_major}-dev g++), or -DASIO_DS_EH_PAD_CYCLE_FIX=OFF at the risk described "
    "in docs/browser.md")
endif()
execute_process(COMMAND ${ASIO_DS_LLVM_CONFIG} --includedir
                OUTPUT_VARIABLE _ads_llvm_include OUTPUT_STRIP_TRAILING_WHITESPACE)

# cmake reruns when the source changes; a new hash builds a new plugin.
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${_ads_plugin_src}")
if(NOT EXISTS "${_ads_plugin}")
  message(STATUS "asio_directsockets: building the clang plugin for LLVM ${_ads_llvm_major}")
  file(GLOB _ads_old_plugins "${CMAKE_CURRENT_BINARY_DIR}/asio_directsockets_eh_pad_cycle_fix-*.so")
  if(_ads_old_plugins)  # built from an earlier source
    file(REMOVE ${_ads_old_plugins})
  endif()
  execute_process(
    COMMAND ${ASIO_DS_HOST_CXX} -std=c++17 -O2 -fPIC -shared -fno-rtti -fno-exceptions
            -I${_ads_llvm_include} -D__STDC_CONSTANT_MACROS -D__STDC_FORMAT_MACROS
            -D__STDC_LIMIT_MACROS "${_ads_plugin_src}" -o "${_ads_plugin}"
    RESULT_VARIABLE _ads_rc ERROR_VARIABLE _ads_err)
  if(NOT _ads_rc EQUAL 0)
    file(REMOVE "${_ads_plugin}")
    message(FATAL_ERROR "asio_directsockets: the clang plugin did not build:\n${_ads_err}")
  endif()
endif()

target_compile_options(asio_directsockets PUBLIC
  "$<BUILD_INTERFACE:-fpass-plugin=${_ads_plugin}>"
  "$<INSTALL_INTERFACE:-fpass-plugin=$<INSTALL_PREFIX>/${CMAKE_INSTALL_LIBDIR}/asio_directsockets/${_ads_plugin_name}>")
install(FILES "${_ads_plugin}" DESTINATION ${CMAKE_INSTALL_LIBDIR}/asio_directsockets)
