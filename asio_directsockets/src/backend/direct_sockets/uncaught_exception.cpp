// What an uncaught C++ exception was, in words, for the JS runtime's report
// (asio_directsockets/js/runtime/uncaught.js): Emscripten 3.1.6 only shows the thrown object's
// address ("uncaught exception: 5279840"), where a native program prints the type and what().
// Linked into every wasm program of the library (-Wl,--undefined in cmake/emscripten.cmake).
#include <cxxabi.h>
#include <emscripten/emscripten.h>

#include <cstdlib>
#include <exception>
#include <string>
#include <typeinfo>

#if !defined(__wasm_exception_handling__)  // JS exceptions (ASYNCIFY builds)
// libc++abi's helper of Emscripten's JS exceptions: may a handler of catch_type catch an object
// of thrown_type at *thrown (adjusting *thrown to the base subobject)?
extern "C" int __cxa_can_catch(const std::type_info* catch_type, const std::type_info* thrown_type,
                               void** thrown);
#endif

// The text native programs print (libstdc++'s verbose terminate handler): "terminate called after
// throwing an instance of 'T'" and, for a std::exception, "  what():  ...". `thrown` is the
// object, `type` its dynamic type. Valid until the next call.
extern "C" EMSCRIPTEN_KEEPALIVE const char* ads_describe_exception(void* thrown,
                                                                   const std::type_info* type) {
  static std::string text;
  int status = -1;
  char* name = abi::__cxa_demangle(type->name(), nullptr, nullptr, &status);
  text = "terminate called after throwing an instance of '";
  text += status == 0 && name ? name : type->name();
  text += "'";
  std::free(name);
#if !defined(__wasm_exception_handling__)  // JS exceptions (ASYNCIFY builds)
  void* adjusted = thrown;
  if (__cxa_can_catch(&typeid(std::exception), type, &adjusted)) {
    text += "\n  what():  ";
    text += static_cast<const std::exception*>(adjusted)->what();
  }
#else
  (void)thrown;
#endif
  return text.c_str();
}

#if defined(__wasm_exception_handling__)  // wasm exceptions (JSPI builds)
// With wasm exceptions a C++ exception reaches JS as a WebAssembly.Exception whose argument (read
// with the exported __cpp_exception tag) is the exception's unwind header, not the thrown object.
// Taking it as caught makes it the current exception: its type, and what() by rethrowing it here.
extern "C" EMSCRIPTEN_KEEPALIVE const char* ads_describe_wasm_exception(void* unwind_header) {
  static std::string text;
  abi::__cxa_begin_catch(unwind_header);
  const std::type_info* type = abi::__cxa_current_exception_type();
  if (!type) {  // not a C++ exception
    abi::__cxa_end_catch();
    return nullptr;
  }
  text = ads_describe_exception(nullptr, type);
  try {
    throw;
  } catch (const std::exception& e) {
    text += "\n  what():  ";
    text += e.what();
  } catch (...) {
  }
  abi::__cxa_end_catch();
  return text.c_str();
}
#endif
