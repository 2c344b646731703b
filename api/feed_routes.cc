#include "api/feed_routes.h"

#include <charconv>
#include <memory>
#include <string>

#include "api/problem.h"
#include "engine/domain/rfc3339.h"

namespace motcua {
namespace {

using nlohmann::json;

Error Invalid(const char* pointer, const std::string& message) {
  return Error(ErrorCode::kInvalidArgument, std::string(pointer + 1) + " " + message,
               ErrorReason::kValidation, {{pointer, message}});
}

// A whole number from the query, or nullopt when the parameter is absent.
Result<std::optional<std::int64_t>> QueryNumber(const HttpRequest& request, const char* name,
                                                const char* pointer, const std::string& expected) {
  std::optional<std::string> text = QueryValue(request, name);
  if (!text) return std::optional<std::int64_t>();
  std::int64_t value = 0;
  auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (text->empty() || error != std::errc() || end != text->data() + text->size()) {
    return Invalid(pointer, expected);
  }
  return std::optional<std::int64_t>(value);
}

json DeadLetterJson(const DeadLetter& letter) {
  return {{"entry_id", letter.entry_id},
          {"topic", letter.topic},
          {"attempts", letter.attempts},
          {"last_error", letter.last_error},
          {"failed_at", FormatRfc3339DateTime(letter.failed_at)}};
}

class Handlers {
 public:
  explicit Handlers(const FeedApi& api) : api_(api) {}

  HttpResponse ReadFeed(const HttpRequest& request, const PathParams&, const Actor& actor) const {
    Result<std::optional<std::int64_t>> after =
        QueryNumber(request, "after", "/after", "must be an entry id, 0 or more");
    if (!after.ok()) return ProblemResponse(after.error(), request.path);
    Result<int> limit = PageLimit(request, kFeedPageRule);
    if (!limit.ok()) return ProblemResponse(limit.error(), request.path);
    Result<FeedPage> page = api_.feed.Read(actor, *after, *limit);
    if (!page.ok()) return ProblemResponse(page.error(), request.path);
    json items = json::array();
    for (const StoredOutboxEntry& entry : page->items) items.push_back(FeedItemJson(entry));
    HttpResponse response = JsonResponse(200, {{"items", items}, {"next", page->next}});
    response.headers.push_back({"Cache-Control", "no-store"});
    return response;
  }

  HttpResponse ListDeadLetters(const HttpRequest& request, const PathParams&,
                               const Actor& actor) const {
    Result<int> limit = PageLimit(request, kFeedPageRule);
    if (!limit.ok()) return ProblemResponse(limit.error(), request.path);
    Result<std::vector<DeadLetter>> letters = api_.feed.DeadLetters(actor, *limit);
    if (!letters.ok()) return ProblemResponse(letters.error(), request.path);
    json items = json::array();
    for (const DeadLetter& letter : *letters) items.push_back(DeadLetterJson(letter));
    return JsonResponse(200, {{"items", items}});
  }

 private:
  FeedApi api_;
};

}  // namespace

json FeedItemJson(const StoredOutboxEntry& entry) {
  return {{"id", entry.id},
          {"topic", entry.topic},
          {"payload", entry.payload},
          {"created_at", FormatRfc3339DateTime(entry.created_at)}};
}

Status AddFeedRoutes(Router& router, const FeedApi& api) {
  auto handlers = std::make_shared<const Handlers>(api);
  const MemberRoute<Handlers> routes[] = {
      {"GET", "/v1/feed", RouteAccess::kAuthenticated, &Handlers::ReadFeed},
      {"GET", "/v1/feed/dead-letters", RouteAccess::kAuthenticated, &Handlers::ListDeadLetters},
  };
  return AddMemberRoutes(router, handlers, routes, api.authenticate);
}

}  // namespace motcua
