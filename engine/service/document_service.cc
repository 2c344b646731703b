#include "engine/service/document_service.h"

#include <algorithm>
#include <cctype>

#include "engine/domain/access.h"
#include "engine/domain/identity.h"
#include "engine/domain/status_macros.h"

namespace motcua {
namespace {

// How many referencing dossiers are checked for scope before giving up; the
// same bytes in more dossiers than this are public forms, not personal data.
constexpr int kMaxReferencesChecked = 200;

Error DocumentNotFound(const std::string& id) {
  return Error(ErrorCode::kNotFound, "document " + id + " does not exist",
               ErrorReason::kDocumentNotFound);
}

bool IsTokenChar(char c) {
  // RFC 6838 restricted-name characters.
  return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
         std::string_view("!#$&-^_.+").find(c) != std::string_view::npos;
}

// "type/subtype" in lower case, parameters dropped; empty when malformed.
std::string NormalizedMediaType(std::string_view text) {
  text = text.substr(0, text.find(';'));
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  const std::size_t slash = text.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == text.size() ||
      text.size() > 127) {
    return {};
  }
  std::string normalized;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (i != slash && !IsTokenChar(text[i])) return {};
    normalized.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(text[i]))));
  }
  return normalized;
}

}  // namespace

Result<DocumentInfo> DocumentService::Upload(const Actor& actor, std::string_view bytes,
                                             std::string_view media_type) {
  if (actor.user_id.empty()) {
    return Error(ErrorCode::kPermissionDenied, "documents are uploaded by users",
                 ErrorReason::kRoleNotAllowed);
  }
  RETURN_IF_ERROR(Authorize(actor, Operation::kUploadDocument));
  if (bytes.empty()) {
    return Error(ErrorCode::kInvalidArgument, "the document is empty", ErrorReason::kValidation,
                 {{"/body", "must not be empty"}});
  }
  if (static_cast<std::int64_t>(bytes.size()) > limits_.max_bytes) {
    return Error(ErrorCode::kInvalidArgument,
                 "the document is larger than " + std::to_string(limits_.max_bytes) + " bytes",
                 ErrorReason::kValidation, {{"/body", "is too large"}});
  }
  const std::string type = NormalizedMediaType(media_type);
  if (type.empty()) {
    return Error(
        ErrorCode::kInvalidArgument, "Content-Type must be a media type such as application/pdf",
        ErrorReason::kValidation, {{"/content-type", "must be a type/subtype media type"}});
  }
  DocumentInfo info{hasher_(bytes), static_cast<std::int64_t>(bytes.size()), type};
  RETURN_IF_ERROR(store_.PutDocument(info, bytes, actor.user_id, clock_.Now()));
  // The same bytes uploaded before by someone else keep that person's media
  // type; the answer (and the caller's later downloads) carry the caller's
  // own, as for new bytes, so that it tells nothing about other uploads.
  return info;
}

Result<DocumentDownload> DocumentService::Get(const Actor& actor, const std::string& id) {
  if (!IsDocumentId(id)) return DocumentNotFound(id);
  ASSIGN_OR_RETURN(std::optional<std::string> readable_as, ReadableAs(actor, id));
  if (!readable_as) return DocumentNotFound(id);
  Result<DocumentInfo> info = store_.GetDocumentInfo(id);
  if (!info.ok()) {
    return info.error().code() == ErrorCode::kNotFound ? DocumentNotFound(id) : info.error();
  }
  if (!readable_as->empty()) info->media_type = *readable_as;
  ASSIGN_OR_RETURN(std::string bytes, store_.GetDocumentBytes(id));
  return DocumentDownload{std::move(info).value(), std::move(bytes)};
}

Result<std::optional<std::string>> DocumentService::ReadableAs(const Actor& actor,
                                                               const std::string& id) {
  using Readable = std::optional<std::string>;
  if (!ReachesDossiers(actor)) return Readable();
  if (actor.HasRole(kSystemRole)) return Readable("");
  Result<Readable> uploaded = store_.UploadedMediaType(id, actor.user_id);
  if (!uploaded.ok() || uploaded->has_value()) return uploaded;
  ASSIGN_OR_RETURN(std::vector<DossierSummary> referencing,
                   store_.ListDossiersReferencing(id, kMaxReferencesChecked));
  for (const DossierSummary& summary : referencing) {
    // Cheap pre-checks from the summary before loading the dossier.
    if (IsApplicantOnly(actor) && summary.applicant_id != actor.user_id) continue;
    Result<Dossier> dossier = store_.GetDossier(summary.code);
    if (!dossier.ok()) continue;
    auto workflow = catalog_.Get(dossier->procedure_code, dossier->definition_version);
    if (!workflow.ok()) continue;
    if (CanSeeDossier(actor, *dossier, (*workflow)->workflow)) return Readable("");
  }
  return Readable();
}

}  // namespace motcua
