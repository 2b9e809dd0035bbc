// Callback mode: how an io_context runs on the browser's event loop without
// blocking it. run() drains ready handlers, then "attaches" the context and
// returns; each JS completion, timer or post schedules ads_drain(), which
// polls every attached context again. No JSPI, ASYNCIFY or threads needed.
#pragma once

namespace asio_directsockets::detail {
class scheduler;
}

namespace asio_directsockets::detail::browser_loop {

void attach(scheduler* s);
void detach(scheduler* s);
bool is_attached(scheduler* s);
// How many drains have run: a context attached and destroyed with the same count was never
// driven by the event loop (see browser_reactor::shutdown).
unsigned long drains_so_far();
// A post from outside the loop: make sure an attached context drains soon.
void request_drain(scheduler* s);

}  // namespace asio_directsockets::detail::browser_loop
