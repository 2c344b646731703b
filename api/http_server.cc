// The Beast side of HttpServer, shaped like Beast's advanced server example:
// a listener (Impl::Accept), one session per connection with read/write
// handlers, explicit limits, one Fail(), and graceful shutdown.
//
// Each session runs on its own strand (with one I/O thread, on that thread);
// its timer, socket and handler calls never run concurrently. Timeouts use a
// per-session steady_timer that cancels (not closes) the socket, so a 408 can
// still be written after a read timed out.
#include "api/http_server.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <future>
#include <limits>
#include <map>
#include <mutex>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "api/fiber_pool.h"
#include "api/problem.h"
#include "api/request_log.h"
#include "api/response_wire.h"
#include "engine/domain/thread_name.h"

namespace motcua {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;

// A session's executor, named as its concrete type: tcp::socket's default is
// the type-erased any_io_executor, which copies and reference-counts the
// strand on every operation (a tenth of the server's CPU for GET /healthz
// under wrk). With several I/O threads each session has a strand; with one
// (the default up to 7 cores), that thread is the only one running the I/O
// context, which already keeps a session's handlers from running at once, and
// a strand would only add its lock and reference counts.
using StrandExecutor = asio::strand<asio::io_context::executor_type>;
using LoopExecutor = asio::io_context::executor_type;
template <class Executor>
using SocketOn = typename tcp::socket::rebind_executor<Executor>::other;

template <class Stream>
struct IsTlsStream : std::false_type {};
template <class Next>
struct IsTlsStream<ssl::stream<Next>> : std::true_type {};

// How long a closing connection keeps reading (and discarding) what the peer
// still sends, so the kernel does not reset the connection before the peer
// has read our last response.
constexpr std::chrono::seconds kLingerTimeout{1};
constexpr std::size_t kFirstReadBytes = 4096;
// Connections over the caps still get their 503 written, but at most this
// many at a time; beyond that they are closed without a word, so refusing
// costs bounded memory too.
constexpr int kMaxRefusingSessions = 64;

// Whether a request's Transfer-Encoding header lines are absent or exactly
// one "chunked" (RFC 9112, 6.1: a server answers 501 to a transfer coding it
// does not implement, and chunked must be the last and only once).
template <class Fields>
bool IsSupportedTransferEncoding(const Fields& fields) {
  auto [first, last] = fields.equal_range(http::field::transfer_encoding);
  if (first == last) return true;
  if (std::next(first) != last) return false;
  beast::string_view value = first->value();
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  return beast::iequals(value, "chunked");
}

std::string ToString(beast::string_view text) {
  return std::string(text.data(), text.size());
}

// A session as the server sees it, whatever its stream type.
class SessionBase {
 public:
  virtual ~SessionBase() = default;
  // Asks the session to finish its current request and close. Thread-safe.
  virtual void NotifyStopping() = 0;
};

// Everything the listener and the sessions share.
struct ServerState {
  ServerState(HttpServerOptions server_options, HttpHandler request_handler)
      : options(std::move(server_options)),
        handler(std::move(request_handler)),
        deadline_check_every(std::min({std::chrono::steady_clock::duration(options.read_timeout),
                                       std::chrono::steady_clock::duration(options.write_timeout),
                                       std::chrono::steady_clock::duration(options.idle_timeout)})),
        ioc(options.threads > 0 ? options.threads : 1),
        handler_pool(static_cast<std::size_t>(std::max(1, options.handler_threads))) {
    if (options.runs_on_fibers) fiber_pool = std::make_unique<FiberPool>(options.fiber_threads);
  }

  void Accept();
  template <class Socket>
  void OnAccept(error_code ec, Socket socket);
  void Fail(error_code ec, std::string_view what) const;
  void SessionStarted(const std::shared_ptr<SessionBase>& session);
  // Counts a new connection from `address` against the caps: true if it is
  // within them (then AdmittedEnded(address) must follow).
  bool Admit(const std::string& address);
  void AdmittedEnded(const std::string& address);
  void SessionEnded();
  void RunIoLoop();
  // The handler's response, or a 500 problem if it threw or returned a
  // status that cannot be sent. Runs on the handler pool.
  HttpResponse Handle(HttpRequest& request, const std::string& instance) const;

  const HttpServerOptions options;
  const HttpHandler handler;
  // How long a session's pending timer wait may be: the shortest of the
  // read, write and idle timeouts (see Session::Arm).
  const std::chrono::steady_clock::duration deadline_check_every;
  std::atomic<bool> stopping{false};

  // Declared before `ioc` so sessions destroyed with pending handlers during
  // ~io_context can still report their end and use the TLS context.
  std::mutex sessions_mutex;
  std::condition_variable sessions_changed;
  int live_sessions = 0;  // every session, refusing ones included
  std::size_t admitted_sessions = 0;
  std::map<std::string, std::size_t, std::less<>> admitted_per_address;
  std::vector<std::weak_ptr<SessionBase>> sessions;
  std::optional<ssl::context> tls_context;

  asio::io_context ioc;
  // After `ioc`: destroyed (joined) first, while sockets can still close.
  asio::thread_pool handler_pool;
  // After `handler_pool`: stopped first. Null without options.runs_on_fibers.
  std::unique_ptr<FiberPool> fiber_pool;
  std::optional<tcp::acceptor> acceptor;  // on its own strand
  std::atomic<std::uint16_t> bound_port{0};

  std::mutex lifecycle_mutex;  // guards started, stopped, threads
  bool started = false;
  bool stopped = false;
  std::vector<std::thread> threads;
  std::mutex join_mutex;
};

// One connection. `Stream` is a SocketOn<Executor> or an ssl::stream of one.
template <class Stream>
class Session : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
 public:
  static constexpr bool kIsTls = IsTlsStream<Stream>::value;

  // `admitted`: the connection was counted by ServerState::Admit; otherwise
  // the session only answers 503 and closes.
  template <class... StreamArgs>
  Session(ServerState& server, std::string remote_address, bool admitted,
          StreamArgs&&... stream_args)
      : server_(server),
        remote_address_(std::move(remote_address)),
        admitted_(admitted),
        stream_(std::forward<StreamArgs>(stream_args)...),
        timer_(stream_.get_executor()) {
    std::lock_guard lock(server_.sessions_mutex);
    ++server_.live_sessions;
  }

  ~Session() override {
    if (admitted_) server_.AdmittedEnded(remote_address_);
    server_.SessionEnded();
  }

  void Run() {
    asio::dispatch(stream_.get_executor(), [self = this->shared_from_this()] { self->Begin(); });
  }

  void NotifyStopping() override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] { self->OnStopping(); });
  }

 private:
  enum class State { kNew, kHandshake, kIdle, kReading, kHandling, kWriting, kClosing, kClosed };
  using TimePoint = std::chrono::steady_clock::time_point;

  auto& Socket() { return beast::get_lowest_layer(stream_); }

  void Begin() {
    if (server_.stopping) return Close();
    if constexpr (kIsTls) {
      state_ = State::kHandshake;
      Arm(server_.options.read_timeout);
      stream_.async_handshake(
          ssl::stream_base::server,
          [self = this->shared_from_this()](error_code ec) { self->OnHandshake(ec); });
    } else {
      WaitForRequest();
    }
  }

  void OnHandshake(error_code ec) {
    Disarm();
    if (ec) {
      if (!timed_out_) server_.Fail(ec, "tls handshake");
      return Close();
    }
    WaitForRequest();
  }

  void Refuse() {
    HttpResponse response = ProblemResponse(TransportProblem::kTooManyConnections, "");
    response.headers.push_back({"Retry-After", "1"});
    Respond(LoggedTransportResponse(std::move(response)), 11, /*keep_alive=*/false,
            /*is_head=*/false);
  }

  // A response the server makes itself (the request never reached the
  // handler), with its request id and log line like any other.
  HttpResponse LoggedTransportResponse(HttpResponse response) {
    HttpRequest request;
    if (parser_ && parser_->is_header_done()) request = HeadOf(parser_->get());
    request.remote_address = remote_address_;
    RequestLogScope scope(server_.options.request_log, request);
    scope.Finish(response);
    return response;
  }

  // Waits for the first byte of the next request under the idle timeout (the
  // read timeout for a connection's first request, so a silent client cannot
  // hold a connection for long), then reads the request under read_timeout.
  void WaitForRequest() {
    if (server_.stopping) return Close();
    if (!admitted_) return Refuse();
    state_ = State::kIdle;
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(
        server_.options.max_header_bytes, std::numeric_limits<std::uint32_t>::max())));
    parser_->body_limit(static_cast<std::uint64_t>(server_.options.max_body_bytes));
    body_needs_authentication_ = false;
    facts_ = std::make_shared<RequestFacts>();
    if (buffer_.size() > 0) return ReadRequest();
    Arm(served_requests_ == 0 ? server_.options.read_timeout : server_.options.idle_timeout);
    stream_.async_read_some(buffer_.prepare(kFirstReadBytes),
                            [self = this->shared_from_this()](error_code ec, std::size_t bytes) {
                              self->OnFirstBytes(ec, bytes);
                            });
  }

  void OnFirstBytes(error_code ec, std::size_t bytes) {
    Disarm();
    if (ec) return Close();  // idle timeout, peer closed, or server stopping
    buffer_.commit(bytes);
    ReadRequest();
  }

  // Reads the header, then (OnHeader) decides how much body this caller may
  // send, then reads the body (ReadBody). One read_timeout covers all three.
  void ReadRequest() {
    state_ = State::kReading;
    Arm(server_.options.read_timeout);
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](error_code ec, std::size_t) { self->OnHeader(ec); });
  }

  // The request without its body, with the request's facts: what the body
  // check decides on the head (its caller) holds for the whole request.
  HttpRequest HeadOf(const http::request<http::string_body>& message) const {
    HttpRequest head =
        MakeHttpRequest(ToString(message.method_string()), ToString(message.target()));
    for (const auto& field : message) {
      head.headers.push_back({ToString(field.name_string()), ToString(field.value())});
    }
    head.remote_address = remote_address_;
    head.facts = facts_;
    return head;
  }

  std::string Instance() {
    std::string instance = ToString(parser_->get().target());
    return instance.substr(0, instance.find('?'));
  }

  void OnHeader(error_code ec) {
    if (ec) return OnRead(ec);
    if (!IsSupportedTransferEncoding(parser_->get())) {
      Disarm();
      return RespondAndClose(TransportProblem::kTransferEncodingNotImplemented, Instance());
    }
    const HttpServerOptions& options = server_.options;
    const boost::optional<std::uint64_t> length = parser_->content_length();
    const bool may_exceed_anonymous_limit =
        !parser_->is_done() && (!length || *length > AnonymousBodyLimit());
    if (!options.authenticate_body || !may_exceed_anonymous_limit) return ReadBody();

    // Token checks may touch the store, so they run on the handler pool.
    HttpRequest head = HeadOf(parser_->get());
    asio::post(server_.handler_pool, [self = this->shared_from_this(),
                                      work = asio::make_work_guard(stream_.get_executor()),
                                      head = std::move(head)]() mutable {
      bool authenticated = false;
      try {
        authenticated = self->server_.options.authenticate_body(head);
      } catch (...) {
        authenticated = false;
      }
      asio::post(self->stream_.get_executor(), [self, work = std::move(work), authenticated] {
        self->OnAuthenticated(authenticated);
      });
    });
  }

  void OnAuthenticated(bool authenticated) {
    if (!authenticated) {
      const std::size_t limit = AnonymousBodyLimit();
      body_needs_authentication_ = true;
      if (parser_->content_length()) {
        Disarm();
        return RespondAndClose(TransportProblem::kBodyTooLarge, Instance(),
                               AnonymousBodyDetail(limit));
      }
      parser_->body_limit(static_cast<std::uint64_t>(limit));
    }
    ReadBody();
  }

  std::size_t AnonymousBodyLimit() const {
    return std::min(server_.options.max_unauthenticated_body_bytes, server_.options.max_body_bytes);
  }

  static std::string AnonymousBodyDetail(std::size_t limit) {
    return "A request body over " + std::to_string(limit) +
           " bytes is read only for an authenticated caller (Authorization: Bearer).";
  }

  void ReadBody() {
    if (timed_out_) {
      // The deadline passed between reads, so no read was there to cancel.
      Disarm();
      return RespondAndClose(TransportProblem::kRequestTimeout, Instance());
    }
    if (parser_->is_done()) return OnRead({});
    http::async_read(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](error_code ec, std::size_t) { self->OnRead(ec); });
  }

  void OnRead(error_code ec) {
    bool timed_out = timed_out_;
    Disarm();
    std::string instance = Instance();
    if (timed_out && ec) return RespondAndClose(TransportProblem::kRequestTimeout, instance);
    if (ec == http::error::header_limit) {
      return RespondAndClose(TransportProblem::kHeaderTooLarge, instance);
    }
    if (ec == http::error::body_limit) {
      return RespondAndClose(
          TransportProblem::kBodyTooLarge, instance,
          body_needs_authentication_ ? AnonymousBodyDetail(AnonymousBodyLimit()) : std::string());
    }
    if (ec == http::error::end_of_stream || ec == http::error::partial_message) return Close();
    if (ec && ec.category() == http::make_error_code(http::error::bad_target).category()) {
      return RespondAndClose(TransportProblem::kMalformedRequest, instance, ec.message());
    }
    if (ec) {
      if (ec != asio::error::operation_aborted) server_.Fail(ec, "read");
      return Close();
    }

    http::request<http::string_body> message = parser_->release();
    bool is_head = message.method() == http::verb::head;
    bool keep_alive = message.keep_alive();
    unsigned version = message.version();
    HttpRequest request = HeadOf(message);
    request.body = std::move(message.body());
    request.read_at = std::chrono::steady_clock::now();

    state_ = State::kHandling;
    const HttpServerOptions& options = server_.options;
    if (options.runs_inline && options.runs_inline(request)) {
      HttpResponse response = server_.Handle(request, instance);
      ++served_requests_;
      return Respond(std::move(response), version, keep_alive && !server_.stopping, is_head);
    }
    const bool on_fibers = server_.fiber_pool &&
                           request.body.size() <= options.max_fiber_body_bytes &&
                           options.runs_on_fibers(request);
    // Any other handler runs on a fiber or on the handler pool, so that one
    // waiting for a durable commit never holds an I/O thread; the work guard
    // keeps the I/O threads running until the response is back on this
    // strand.
    auto handle = [self = this->shared_from_this(),
                   work = asio::make_work_guard(stream_.get_executor()),
                   request = std::move(request), instance, version, keep_alive, is_head]() mutable {
      HttpResponse response = self->server_.Handle(request, instance);
      asio::post(self->stream_.get_executor(), [self, work = std::move(work),
                                                response = std::move(response), version, keep_alive,
                                                is_head]() mutable {
        ++self->served_requests_;
        self->Respond(std::move(response), version, keep_alive && !self->server_.stopping, is_head);
      });
    };
    if (on_fibers) {
      return server_.fiber_pool->Post(std::move(handle));
    }
    asio::post(server_.handler_pool, std::move(handle));
  }

  void RespondAndClose(TransportProblem problem, const std::string& instance,
                       const std::string& detail = {}) {
    Respond(LoggedTransportResponse(ProblemResponse(problem, instance, detail)), 11,
            /*keep_alive=*/false, /*is_head=*/false);
  }

  void Respond(HttpResponse response, unsigned version, bool keep_alive, bool is_head) {
    // The head and the body go out in one gather write (response_wire.h);
    // the body is never copied.
    wire_ = ToWire(std::move(response), {version, keep_alive, is_head});
    keep_alive_ = keep_alive;
    state_ = State::kWriting;
    Arm(server_.options.write_timeout);
    const std::array<asio::const_buffer, 2> buffers{asio::buffer(wire_.head),
                                                    asio::buffer(wire_.body)};
    asio::async_write(
        stream_, buffers,
        [self = this->shared_from_this()](error_code ec, std::size_t) { self->OnWrite(ec); });
  }

  void OnWrite(error_code ec) {
    Disarm();
    wire_ = ResponseWire();
    if (ec) {
      if (ec != asio::error::operation_aborted) server_.Fail(ec, "write");
      return Close();
    }
    if (!keep_alive_) return CloseGracefully();
    WaitForRequest();
  }

  // Ends the connection after a final response: TLS sends close_notify; plain
  // TCP half-closes and discards what the peer still sends for a moment.
  void CloseGracefully() {
    state_ = State::kClosing;
    Arm(kLingerTimeout);
    if constexpr (kIsTls) {
      stream_.async_shutdown([self = this->shared_from_this()](error_code) { self->Close(); });
    } else {
      error_code ignored;
      Socket().shutdown(tcp::socket::shutdown_send, ignored);
      Linger();
    }
  }

  void Linger() {
    Socket().async_read_some(asio::buffer(linger_buffer_),
                             [self = this->shared_from_this()](error_code ec, std::size_t) {
                               if (ec) return self->Close();
                               self->Linger();
                             });
  }

  void OnStopping() {
    // Idle connections close now; requests being read, handled or written
    // finish first (they see `stopping` and answer with Connection: close).
    if (state_ == State::kIdle || state_ == State::kHandshake) {
      error_code ignored;
      Socket().cancel(ignored);
    }
  }

  void Close() {
    if (state_ == State::kClosed) return;
    state_ = State::kClosed;
    Disarm();
    timer_.cancel();
    error_code ignored;
    Socket().shutdown(tcp::socket::shutdown_both, ignored);
    Socket().close(ignored);
  }

  // Starts the deadline for the current operation; on expiry the socket's
  // pending operations are cancelled and `timed_out_` tells their handlers.
  // Deadlines are checked lazily: one timer wait stays pending while a
  // deadline is set, firing at the deadline or after the shortest of the
  // server's timeouts, whichever is first, and then looks at the deadline
  // of the moment. So the usual Arm and Disarm of every read and write only
  // set `deadline_`, and never touch the timer queue or cancel a wait.
  void Arm(std::chrono::steady_clock::duration timeout) {
    timed_out_ = false;
    const auto now = std::chrono::steady_clock::now();
    deadline_ = now + timeout;
    if (!timer_waiting_ || timer_.expiry() > deadline_) WaitForDeadline(now);
  }

  void Disarm() { deadline_ = TimePoint::max(); }

  void WaitForDeadline(TimePoint now) {
    timer_waiting_ = true;
    // Cancels a pending wait, whose handler then sees a stale generation.
    timer_.expires_at(std::min(deadline_, now + server_.deadline_check_every));
    // The wait does not keep the session alive: the socket's operations do.
    timer_.async_wait(
        [weak = this->weak_from_this(), generation = ++timer_generation_](error_code ec) {
          const std::shared_ptr<Session> self = weak.lock();
          if (self == nullptr || generation != self->timer_generation_) return;
          self->timer_waiting_ = false;
          if (!ec) self->OnTimer();
        });
  }

  void OnTimer() {
    if (deadline_ == TimePoint::max() || state_ == State::kClosed) return;
    const auto now = std::chrono::steady_clock::now();
    if (now < deadline_) return WaitForDeadline(now);
    timed_out_ = true;
    error_code ignored;
    Socket().cancel(ignored);
  }

  ServerState& server_;
  const std::string remote_address_;
  const bool admitted_;
  Stream stream_;
  asio::basic_waitable_timer<std::chrono::steady_clock,
                             asio::wait_traits<std::chrono::steady_clock>,
                             typename Stream::executor_type>
      timer_;
  TimePoint deadline_ = TimePoint::max();  // of the current operation; max: none
  bool timer_waiting_ = false;             // a wait on timer_ is pending
  std::uint64_t timer_generation_ = 0;     // of the latest wait; older ones are stale
  bool timed_out_ = false;
  State state_ = State::kNew;
  bool keep_alive_ = false;
  // The current request's body is held to max_unauthenticated_body_bytes.
  bool body_needs_authentication_ = false;
  // The current request's facts (http_message.h), shared by its head and
  // the request the handler gets.
  std::shared_ptr<RequestFacts> facts_;
  std::uint64_t served_requests_ = 0;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  ResponseWire wire_;  // being written
  char linger_buffer_[1024];
};

}  // namespace

struct HttpServer::Impl : ServerState {
  using ServerState::ServerState;
};

namespace {

void ServerState::Fail(error_code ec, std::string_view what) const {
  if (!options.error_log) return;
  options.error_log(std::string(what) + ": " + ec.message());
}

void ServerState::Accept() {
  if (options.threads <= 1) {
    acceptor->async_accept(
        ioc.get_executor(),
        [this](error_code ec, SocketOn<LoopExecutor> socket) { OnAccept(ec, std::move(socket)); });
  } else {
    acceptor->async_accept(asio::make_strand(ioc),
                           [this](error_code ec, SocketOn<StrandExecutor> socket) {
                             OnAccept(ec, std::move(socket));
                           });
  }
}

template <class Socket>
void ServerState::OnAccept(error_code ec, Socket socket) {
  if (ec == asio::error::operation_aborted || !acceptor->is_open()) return;
  if (ec) {
    Fail(ec, "accept");
  } else if (stopping) {
    error_code ignored;
    socket.close(ignored);
  } else {
    error_code endpoint_error;
    tcp::endpoint remote = socket.remote_endpoint(endpoint_error);
    std::string remote_address = endpoint_error ? std::string() : remote.address().to_string();
    const bool admitted = Admit(remote_address);
    bool refusing_too_many = false;
    if (!admitted) {
      std::lock_guard lock(sessions_mutex);
      refusing_too_many =
          live_sessions - static_cast<int>(admitted_sessions) >= kMaxRefusingSessions;
    }
    if (refusing_too_many) {
      error_code ignored;
      socket.close(ignored);
    } else if (tls_context) {
      auto session = std::make_shared<Session<ssl::stream<Socket>>>(
          *this, std::move(remote_address), admitted, std::move(socket), *tls_context);
      SessionStarted(session);
      session->Run();
    } else {
      auto session = std::make_shared<Session<Socket>>(*this, std::move(remote_address), admitted,
                                                       std::move(socket));
      SessionStarted(session);
      session->Run();
    }
  }
  Accept();
}

void ServerState::SessionStarted(const std::shared_ptr<SessionBase>& session) {
  std::lock_guard lock(sessions_mutex);
  std::erase_if(sessions, [](const std::weak_ptr<SessionBase>& s) { return s.expired(); });
  sessions.push_back(session);
}

bool ServerState::Admit(const std::string& address) {
  std::lock_guard lock(sessions_mutex);
  if (admitted_sessions >= options.max_connections) return false;
  std::size_t& from_address = admitted_per_address[address];
  if (from_address >= options.max_connections_per_address) {
    if (from_address == 0) admitted_per_address.erase(address);
    return false;
  }
  ++from_address;
  ++admitted_sessions;
  return true;
}

void ServerState::AdmittedEnded(const std::string& address) {
  std::lock_guard lock(sessions_mutex);
  --admitted_sessions;
  auto found = admitted_per_address.find(address);
  if (found != admitted_per_address.end() && --found->second == 0) {
    admitted_per_address.erase(found);
  }
}

void ServerState::SessionEnded() {
  {
    std::lock_guard lock(sessions_mutex);
    --live_sessions;
  }
  sessions_changed.notify_all();
}

void ServerState::RunIoLoop() {
  while (true) {
    try {
      ioc.run();
      return;
    } catch (const std::exception& e) {
      // Handlers catch their own failures; this is a last line of defence.
      if (options.error_log) options.error_log(std::string("io loop: ") + e.what());
    }
  }
}

}  // namespace

HttpServer::HttpServer(HttpServerOptions options, HttpHandler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler))) {}

HttpServer::~HttpServer() {
  Stop();
  Wait();
}

Status HttpServer::Start() {
  Impl& impl = *impl_;
  std::lock_guard lock(impl.lifecycle_mutex);
  if (impl.started || impl.stopped) {
    return Error(ErrorCode::kFailedPrecondition, "The HTTP server was already started.");
  }
  const HttpServerOptions& options = impl.options;
  if (!impl.handler) return Error(ErrorCode::kInvalidArgument, "The HTTP server has no handler.");
  if (options.threads < 1) {
    return Error(ErrorCode::kInvalidArgument, "The HTTP server needs at least one thread.");
  }
  if (options.max_header_bytes == 0 || options.max_header_bytes > (1u << 30)) {
    return Error(ErrorCode::kInvalidArgument, "max_header_bytes must be between 1 and 1 GiB.");
  }
  if (options.max_connections == 0 || options.max_connections_per_address == 0) {
    return Error(ErrorCode::kInvalidArgument,
                 "max_connections and max_connections_per_address must be at least 1.");
  }

  if (options.tls) {
    try {
      impl.tls_context.emplace(ssl::context::tls_server);
    } catch (const std::exception& e) {
      return Error(ErrorCode::kInternal, std::string("Cannot create the TLS context: ") + e.what());
    }
    error_code ec;
    impl.tls_context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                                      ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                                      ssl::context::no_tlsv1_1 | ssl::context::single_dh_use,
                                  ec);
    if (!ec) impl.tls_context->use_certificate_chain_file(options.tls->certificate_chain_file, ec);
    if (ec) {
      return Error(ErrorCode::kInvalidArgument, "Cannot load the TLS certificate chain " +
                                                    options.tls->certificate_chain_file + ": " +
                                                    ec.message());
    }
    impl.tls_context->use_private_key_file(options.tls->private_key_file, ssl::context::pem, ec);
    if (ec) {
      return Error(
          ErrorCode::kInvalidArgument,
          "Cannot load the TLS private key " + options.tls->private_key_file + ": " + ec.message());
    }
  }

  error_code ec;
  asio::ip::address address = asio::ip::make_address(options.address, ec);
  if (ec) {
    return Error(ErrorCode::kInvalidArgument,
                 "Not a numeric IP address to listen on: " + options.address);
  }
  tcp::endpoint endpoint(address, options.port);
  impl.acceptor.emplace(asio::make_strand(impl.ioc));
  tcp::acceptor& acceptor = *impl.acceptor;
  std::string where = options.address + ":" + std::to_string(options.port);
  if (acceptor.open(endpoint.protocol(), ec); ec) {
    return Error(ErrorCode::kUnavailable,
                 "Cannot open a socket for " + where + ": " + ec.message());
  }
  if (acceptor.set_option(asio::socket_base::reuse_address(true), ec); ec) {
    return Error(ErrorCode::kUnavailable, "Cannot set SO_REUSEADDR: " + ec.message());
  }
  if (acceptor.bind(endpoint, ec); ec) {
    return Error(ErrorCode::kUnavailable, "Cannot bind " + where + ": " + ec.message());
  }
  if (acceptor.listen(asio::socket_base::max_listen_connections, ec); ec) {
    return Error(ErrorCode::kUnavailable, "Cannot listen on " + where + ": " + ec.message());
  }
  tcp::endpoint local = acceptor.local_endpoint(ec);
  if (ec) return Error(ErrorCode::kUnavailable, "Cannot read the bound port: " + ec.message());
  impl.bound_port = local.port();

  impl.Accept();
  impl.started = true;
  impl.threads.reserve(static_cast<std::size_t>(options.threads));
  for (int i = 0; i < options.threads; ++i) {
    impl.threads.emplace_back([&impl] {
      NameThisThread("motcua-io");
      impl.RunIoLoop();
    });
  }
  return {};
}

std::uint16_t HttpServer::port() const {
  return impl_->bound_port;
}

void HttpServer::Stop() {
  Impl& impl = *impl_;
  {
    std::lock_guard lock(impl.lifecycle_mutex);
    if (impl.stopped) return;
    impl.stopped = true;
    if (!impl.started) return;
  }
  impl.stopping = true;

  // Close the listening socket on its strand and wait until it is closed, so
  // connects fail as soon as Stop() returns.
  std::promise<void> acceptor_closed;
  asio::post(impl.acceptor->get_executor(), [&impl, &acceptor_closed] {
    error_code ignored;
    impl.acceptor->close(ignored);
    acceptor_closed.set_value();
  });
  acceptor_closed.get_future().wait();

  std::vector<std::shared_ptr<SessionBase>> sessions;
  {
    std::lock_guard lock(impl.sessions_mutex);
    for (const std::weak_ptr<SessionBase>& weak : impl.sessions) {
      if (std::shared_ptr<SessionBase> session = weak.lock()) sessions.push_back(session);
    }
  }
  for (const std::shared_ptr<SessionBase>& session : sessions) session->NotifyStopping();
  sessions.clear();  // our references must not keep sessions alive

  {
    std::unique_lock lock(impl.sessions_mutex);
    impl.sessions_changed.wait_for(lock, impl.options.shutdown_timeout,
                                   [&impl] { return impl.live_sessions == 0; });
  }
  impl.ioc.stop();
}

HttpResponse ServerState::Handle(HttpRequest& request, const std::string& instance) const {
  RequestLogScope log_scope(options.request_log, request);
  HttpResponse response;
  try {
    response = handler(request);
  } catch (...) {
    response = ProblemResponse(
        Error(ErrorCode::kInternal, "The request handler failed unexpectedly."), instance);
  }
  if (response.status < 200 || response.status > 599) {
    // 1xx would break framing and Beast rejects codes over 999.
    response = ProblemResponse(
        Error(ErrorCode::kInternal, "The request handler returned an invalid status."), instance);
  }
  log_scope.Finish(response);
  return response;
}

void HttpServer::Wait() {
  Impl& impl = *impl_;
  std::lock_guard join_lock(impl.join_mutex);
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(impl.lifecycle_mutex);
    threads.swap(impl.threads);
  }
  for (std::thread& thread : threads) thread.join();
  impl.handler_pool.join();
  impl.fiber_pool.reset();
}

}  // namespace motcua
