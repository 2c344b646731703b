#include "engine/domain/store.h"

namespace motcua {

Result<std::int64_t> DossierStore::LatestDefinitionVersion(const std::string& procedure_code) {
  Result<StoredDefinition> latest = GetDefinition(procedure_code, 0);
  if (!latest.ok()) return latest.error();
  return latest->version;
}

Status CheckDocumentInfo(const DocumentInfo& info, std::string_view bytes, bool id_matches) {
  if (!id_matches) {
    return Error(ErrorCode::kInvalidArgument, "document id is not the SHA-256 of its bytes", "",
                 {FieldError{"/id", "does not match the content"}});
  }
  if (info.size != static_cast<std::int64_t>(bytes.size())) {
    return Error(ErrorCode::kInvalidArgument, "document size does not match its bytes", "",
                 {FieldError{"/size", "does not match the content"}});
  }
  return Status();
}

}  // namespace motcua
