// http_fuzzer: whole HTTP requests through the router and every /v1 handler,
// in process (http_world.h: the routes as `motcua serve` wires them, on the
// in-memory store, with pre-made tokens so authenticated paths are reached).
//
// Input: up to kMaxRequests requests separated by NUL bytes, each an
// HTTP/1.1 request without the framing the server itself checks:
//   METHOD SP TARGET [SP ignored] LF
//   (NAME ":" [SP] VALUE LF)*
//   LF
//   BODY
// CR before LF is dropped. "{code}" in the target stands for the world's
// sample dossier, so seeds can act on it. The requests run in order (so
// that one request can break the next, e.g. a published definition breaking
// the catalogue) on the current world (http_world.h: shared by up to
// kInputsPerWorld inputs; a finding that needs what earlier inputs wrote
// may not replay alone). Any crash, sanitizer report, escaping exception, or 5xx answer
// other than 501/503 is a finding (a hostile request must get a 4xx
// problem, never a 500).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "tests/fuzz/http_world.h"

namespace {

constexpr std::size_t kMaxRequests = 4;

std::string_view NextLine(std::string_view& rest) {
  const std::size_t end = rest.find('\n');
  std::string_view line = rest.substr(0, end);
  rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

// The request the input describes; false when its first line has no target.
bool ParseRequest(std::string_view input, const std::string& sample_dossier,
                  motcua::HttpRequest& request) {
  std::string_view rest = input;
  std::string_view line = NextLine(rest);
  const std::size_t space = line.find(' ');
  if (space == std::string_view::npos) return false;
  std::string method(line.substr(0, space));
  std::string_view after = line.substr(space + 1);
  std::string target(after.substr(0, after.find(' ')));
  for (std::size_t at = target.find("{code}"); at != std::string::npos;
       at = target.find("{code}", at + sample_dossier.size())) {
    target.replace(at, 6, sample_dossier);
  }
  std::vector<motcua::HttpHeader> headers;
  while (!rest.empty()) {
    line = NextLine(rest);
    if (line.empty()) break;
    const std::size_t colon = line.find(':');
    std::string_view name = line.substr(0, colon);
    std::string_view value =
        colon == std::string_view::npos ? std::string_view() : line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    headers.push_back({std::string(name), std::string(value)});
  }
  request = motcua::MakeHttpRequest(std::move(method), std::move(target), std::string(rest));
  request.headers = std::move(headers);
  request.remote_address = "203.0.113.7";
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  std::fprintf(stderr, "http_fuzzer: sample dossier %s\n",
               motcua::fuzz::CurrentWorld().sample_dossier().c_str());
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<std::string_view> inputs = motcua::fuzz::SplitAtNul(data, size);
  if (inputs.size() > kMaxRequests) inputs.resize(kMaxRequests);
  motcua::fuzz::HttpWorld& world = motcua::fuzz::CurrentWorld();
  for (std::string_view input : inputs) {
    motcua::HttpRequest request;
    if (!ParseRequest(input, world.sample_dossier(), request)) continue;
    motcua::HttpResponse response = world.Handle(request);
    if (response.status >= 500 && response.status != 501 && response.status != 503) {
      std::fprintf(stderr, "http_fuzzer: %s %s answered %d: %s\n", request.method.c_str(),
                   request.target.c_str(), response.status, response.body.c_str());
      std::abort();
    }
  }
  return 0;
}
