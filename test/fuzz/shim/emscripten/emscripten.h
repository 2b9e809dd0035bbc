// Native stand-in for Emscripten's header: ds_sockets.cpp only needs EMSCRIPTEN_KEEPALIVE.
#pragma once
#define EMSCRIPTEN_KEEPALIVE __attribute__((used))
