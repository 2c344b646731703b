// http_server.h: the HTTP/1.1 server (Boost.Beast behind a Beast-free header).
//
// The server reads requests, converts them to HttpRequest, calls one
// HttpHandler (normally InstrumentedHandler() over the Router) on its handler
// pool (on the I/O thread for requests options.runs_inline accepts, on a
// fiber for those options.runs_on_fibers accepts whose body is at most
// max_fiber_body_bytes), and writes the
// HttpResponse back. It enforces explicit limits:
//   - a connection over max_connections in total, or over
//     max_connections_per_address from one client IP address, gets a 503
//     problem (with Retry-After) and is closed before any request is read;
//   - a request header over max_header_bytes gets a 431 problem, then close;
//   - a body over max_body_bytes gets a 413 problem, then close (a declared
//     Content-Length over the limit is refused before the body is read);
//   - a body over max_unauthenticated_body_bytes is read only when
//     authenticate_body accepts the request's head (method, target and
//     headers: a bearer token or a session cookie with its CSRF token;
//     checked once the header is read, before the body); otherwise a declared
//     Content-Length over it gets a 413 problem at once, and a chunked body
//     gets one when it grows past it. So an anonymous client can make the
//     server buffer at most that much per connection;
//   - a Transfer-Encoding other than exactly "chunked" (e.g. "gzip, chunked")
//     gets a 501 problem, then close;
//   - a request that is not valid HTTP/1.1 gets a 400 problem, then close;
//   - a request not fully read within read_timeout gets a 408 problem if any
//     of it arrived, and the connection is closed either way (a connection
//     that sends nothing at all is closed after read_timeout);
//   - a kept-alive connection idle for idle_timeout is closed;
//   - a response not written within write_timeout closes the connection.
// Every response carries Content-Length, "Server: motcua" and "X-Request-Id"
// (the client's, when acceptable; see request_log.h); problem
// responses also carry "Cache-Control: no-store" (see problem.h). HEAD is
// answered with the GET response's headers and no body. Keep-alive follows
// HTTP/1.1 rules; pipelined requests are served one after another.
//
// With `tls` set, every connection is TLS (1.2 or later) using the given PEM
// certificate chain and private key.
//
// Signals are not handled here: the owner (the CLI) catches SIGTERM/SIGINT
// and calls Stop().
//
// Thread safety: Start(), Stop() and Wait() may be called from any thread
// except the server's own I/O threads (so never from inside a handler).
//
// Example:
//   HttpServer server(HttpServerOptions{.port = 0}, InstrumentedHandler(router, metrics));
//   if (Status started = server.Start(); !started.ok()) return started;
//   std::cout << "listening on port " << server.port() << "\n";
//   server.Wait();  // returns after another thread calls server.Stop()
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "api/http_message.h"
#include "engine/domain/log.h"
#include "engine/domain/status.h"

namespace motcua {

// PEM files for TLS: the server certificate followed by any intermediates,
// and the matching private key.
struct TlsFiles {
  std::string certificate_chain_file;
  std::string private_key_file;
};

struct HttpServerOptions {
  // Numeric IP address to listen on ("127.0.0.1", "::", "0.0.0.0").
  std::string address = "127.0.0.1";
  // TCP port; 0 picks any free port (read it back with HttpServer::port()).
  std::uint16_t port = 8080;
  // I/O threads: they read and write sockets, and run inline handlers.
  int threads = 2;
  // Request handlers run on a pool of this many threads, so that handlers
  // waiting for a durable commit never hold up network I/O, and enough of
  // them wait at once for the store's group commit to batch their writes.
  // It bounds how many requests are handled at the same time.
  int handler_threads = 32;
  // Whether `request`'s handler never waits (no store, no network), so the
  // I/O thread that read it may run it at once instead of handing it to the
  // pool and back (normally Router::RunsInline). Called on I/O threads; must
  // be thread-safe and cheap. Empty: every request goes to the pool.
  std::function<bool(const HttpRequest& request)> runs_inline;
  // Whether `request`'s handler may run on a fiber (fiber_pool.h) instead of
  // the handler pool: its only long waits go through fiber_parking.h (the
  // SQLite store's commits), never the network or PostgreSQL. Called on I/O
  // threads; must be thread-safe and cheap. Empty: no fibers.
  std::function<bool(const HttpRequest& request)> runs_on_fibers;
  // The largest request body a handler gets on a fiber. A request with a
  // larger body runs on the handler pool even where runs_on_fibers accepts
  // it: parsing or hashing megabytes takes milliseconds of CPU, and on a
  // fiber it would hold up every other request of that fiber's thread.
  std::size_t max_fiber_body_bytes = 64 * 1024;
  // Threads running those fibers (at least 1).
  int fiber_threads = 2;
  // Connections open at once, in total and from one client IP address
  // (count a reverse proxy as one address). Both must be at least 1.
  std::size_t max_connections = 512;
  std::size_t max_connections_per_address = 64;
  std::size_t max_header_bytes = 16 * 1024;
  std::size_t max_body_bytes = 10 * 1024 * 1024;
  // The body limit until the caller has authenticated (max_body_bytes if
  // that is lower).
  std::size_t max_unauthenticated_body_bytes = 64 * 1024;
  // Whether a request's head (the request without its body) authenticates
  // its caller, who may then send up to max_body_bytes. Called on the
  // handler pool, only for requests whose body may exceed
  // max_unauthenticated_body_bytes; must be thread-safe. Empty: every caller
  // may send up to max_body_bytes.
  std::function<bool(const HttpRequest& head)> authenticate_body;
  std::chrono::seconds read_timeout{30};
  std::chrono::seconds write_timeout{30};
  std::chrono::seconds idle_timeout{60};
  // How long Stop() lets in-flight requests finish before closing them.
  std::chrono::milliseconds shutdown_timeout{10'000};
  // Serve HTTPS instead of HTTP when set.
  std::optional<TlsFiles> tls;
  // Where each request's log line goes (request_log.h: one "http_request"
  // event per response, the handler's or the server's own problems alike).
  // Null: no lines, though responses still carry X-Request-Id.
  const Logger* request_log = nullptr;
  // Receives one line per unexpected I/O failure (accept errors, TLS
  // failures, ...); routine events (timeouts, peers closing) are not reported.
  // Called on I/O threads. Empty: failures are dropped.
  std::function<void(std::string_view)> error_log;
};

class HttpServer {
 public:
  // `handler` must be non-empty, thread-safe, and outlive the server.
  HttpServer(HttpServerOptions options, HttpHandler handler);
  // Stops (as Stop()) and waits for the I/O threads.
  ~HttpServer();

  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Loads TLS files, binds, listens, and starts the I/O threads. Errors:
  // kInvalidArgument for a bad address, option or unreadable TLS file;
  // kUnavailable when the address cannot be bound (e.g. port in use);
  // kFailedPrecondition when called twice.
  Status Start();

  // The bound port (the real one when options.port was 0); 0 before Start().
  std::uint16_t port() const;

  // Graceful shutdown: stops accepting (new connections are refused once
  // Stop() returns), closes idle connections, lets requests already being
  // read or handled finish and answers them with "Connection: close", then
  // after options.shutdown_timeout closes whatever is left and stops the I/O
  // threads. Blocks until then. Idempotent.
  void Stop();

  // Blocks until the I/O threads have exited (after Stop()). Returns at once
  // if the server was never started.
  void Wait();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace motcua
