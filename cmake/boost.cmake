# Boost 1.81 headers as an interface target. Under Emscripten the system
# include dir must never be added (it would pull glibc headers into a wasm
# build), so a folder holding only a `boost` symlink is used instead.
add_library(asio_ds_boost_headers INTERFACE)
if(EMSCRIPTEN)
  set(ASIO_DS_BOOST_ROOT "/usr/include/boost" CACHE PATH "Boost headers for the wasm build")
  set(_boost_shim "${CMAKE_BINARY_DIR}/boost-include")
  file(MAKE_DIRECTORY "${_boost_shim}")
  file(CREATE_LINK "${ASIO_DS_BOOST_ROOT}" "${_boost_shim}/boost" SYMBOLIC)
  target_include_directories(asio_ds_boost_headers INTERFACE $<BUILD_INTERFACE:${_boost_shim}>)
else()
  find_package(Boost 1.81 REQUIRED CONFIG)
  target_link_libraries(asio_ds_boost_headers INTERFACE $<BUILD_INTERFACE:Boost::headers>)
endif()
