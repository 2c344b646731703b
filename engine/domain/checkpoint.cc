#include "engine/domain/checkpoint.h"

#include <algorithm>
#include <chrono>
#include <utility>

#include "engine/domain/status_macros.h"

namespace motcua {
namespace {

using nlohmann::json;

std::int64_t Seconds(Instant at) {
  return std::chrono::duration_cast<std::chrono::seconds>(at.time_since_epoch()).count();
}

bool IsHexDigest(const std::string& text) {
  return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

Error Invalid(const std::string& pointer, const std::string& message) {
  return Error(ErrorCode::kInvalidArgument, "not a valid checkpoint: " + pointer + " " + message,
               ErrorReason::kInvalidCheckpoint, {{pointer, message}});
}

}  // namespace

std::string CheckpointHeadsText(const std::vector<ChainHead>& heads) {
  std::string text;
  for (const ChainHead& head : heads) {
    text += head.dossier_code;
    text += ' ';
    text += std::to_string(head.version);
    text += ' ';
    text += head.head;
    text += '\n';
  }
  return text;
}

Checkpoint UnsignedCheckpoint(std::vector<ChainHead> heads, Instant issued_at, std::string root) {
  std::sort(heads.begin(), heads.end(),
            [](const ChainHead& a, const ChainHead& b) { return a.dossier_code < b.dossier_code; });
  Checkpoint checkpoint;
  checkpoint.issued_at = issued_at;
  checkpoint.dossiers = static_cast<std::int64_t>(heads.size());
  for (const ChainHead& head : heads) checkpoint.events += head.version;
  checkpoint.root = std::move(root);
  checkpoint.heads = std::move(heads);
  return checkpoint;
}

std::string CheckpointSignedText(const Checkpoint& checkpoint) {
  const json signed_fields = {
      {"format", kCheckpointFormat},     {"issued_at", Seconds(checkpoint.issued_at)},
      {"dossiers", checkpoint.dossiers}, {"events", checkpoint.events},
      {"root", checkpoint.root},         {"algorithm", checkpoint.algorithm},
      {"key_id", checkpoint.key_id},
  };
  return signed_fields.dump();
}

json CheckpointToJson(const Checkpoint& checkpoint, bool with_heads) {
  json out = {{"format", kCheckpointFormat},      {"issued_at", Seconds(checkpoint.issued_at)},
              {"dossiers", checkpoint.dossiers},  {"events", checkpoint.events},
              {"root", checkpoint.root},          {"algorithm", checkpoint.algorithm},
              {"key_id", checkpoint.key_id},      {"public_key", checkpoint.public_key},
              {"signature", checkpoint.signature}};
  if (with_heads) {
    json heads = json::array();
    for (const ChainHead& head : checkpoint.heads) {
      heads.push_back(
          {{"dossier", head.dossier_code}, {"version", head.version}, {"head", head.head}});
    }
    out["heads"] = std::move(heads);
  }
  return out;
}

Result<Checkpoint> CheckpointFromJson(const json& in) {
  if (!in.is_object()) return Invalid("", "must be a JSON object");
  const auto text = [&](const char* name, std::string& out) -> Status {
    auto it = in.find(name);
    if (it == in.end() || !it->is_string()) {
      return Invalid(std::string("/") + name, "must be a string");
    }
    out = it->get<std::string>();
    return {};
  };
  const auto count = [&](const char* name, std::int64_t& out) -> Status {
    auto it = in.find(name);
    if (it == in.end() || !it->is_number_integer() || it->get<std::int64_t>() < 0) {
      return Invalid(std::string("/") + name, "must be a whole number, 0 or more");
    }
    out = it->get<std::int64_t>();
    return {};
  };
  std::string format;
  RETURN_IF_ERROR(text("format", format));
  if (format != kCheckpointFormat) {
    return Invalid("/format", std::string("must be \"") + kCheckpointFormat + "\"");
  }
  Checkpoint checkpoint;
  std::int64_t issued_at = 0;
  for (Status s :
       {count("issued_at", issued_at), count("dossiers", checkpoint.dossiers),
        count("events", checkpoint.events), text("root", checkpoint.root),
        text("algorithm", checkpoint.algorithm), text("key_id", checkpoint.key_id),
        text("public_key", checkpoint.public_key), text("signature", checkpoint.signature)}) {
    RETURN_IF_ERROR(s);
  }
  checkpoint.issued_at = Instant(std::chrono::seconds(issued_at));
  if (!IsHexDigest(checkpoint.root)) return Invalid("/root", "must be a SHA-256 hex digest");
  if (!IsHexDigest(checkpoint.key_id)) return Invalid("/key_id", "must be a SHA-256 hex digest");
  auto heads = in.find("heads");
  if (heads == in.end()) return checkpoint;
  if (!heads->is_array()) return Invalid("/heads", "must be an array");
  std::int64_t events = 0;
  for (std::size_t i = 0; i < heads->size(); ++i) {
    const json& item = (*heads)[i];
    const std::string at = "/heads/" + std::to_string(i);
    ChainHead head;
    if (!item.is_object() || !item.contains("dossier") || !item["dossier"].is_string() ||
        !item.contains("version") || !item["version"].is_number_integer() ||
        item["version"].get<std::int64_t>() < 1 || !item.contains("head") ||
        !item["head"].is_string() || !IsHexDigest(item["head"].get<std::string>())) {
      return Invalid(at, "must be {\"dossier\": code, \"version\": 1 or more, \"head\": digest}");
    }
    head.dossier_code = item["dossier"].get<std::string>();
    head.version = item["version"].get<std::int64_t>();
    head.head = item["head"].get<std::string>();
    if (!checkpoint.heads.empty() && !(checkpoint.heads.back().dossier_code < head.dossier_code)) {
      return Invalid(at, "is not in ascending order of dossier code");
    }
    events += head.version;
    checkpoint.heads.push_back(std::move(head));
  }
  if (static_cast<std::int64_t>(checkpoint.heads.size()) != checkpoint.dossiers) {
    return Invalid("/dossiers", "does not count the heads");
  }
  if (events != checkpoint.events) return Invalid("/events", "is not the sum of the versions");
  return checkpoint;
}

}  // namespace motcua
