// document_service.h: uploading and reading content-addressed documents.
//
// A document is identified by the SHA-256 (hex) of its bytes and stored once
// however many times it is uploaded. Who may read it:
//  - anyone who uploaded those bytes;
//  - anyone who can see a dossier that names it (the scope rules of
//    access.h), now or earlier in its history.
// Everyone else gets kNotFound, worded as if it did not exist.
//
// Thread-safe: all state lives in the store.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "engine/domain/clock.h"
#include "engine/domain/dossier.h"
#include "engine/domain/status.h"
#include "engine/domain/store.h"
#include "engine/service/content_hasher.h"
#include "engine/service/workflow_catalog.h"

namespace motcua {

struct DocumentLimits {
  std::int64_t max_bytes = 10 * 1024 * 1024;  // the HTTP server's body limit too
};

struct DocumentDownload {
  DocumentInfo info;
  std::string bytes;
};

class DocumentService {
 public:
  DocumentService(DossierStore& store, WorkflowCatalog& catalog, ContentHasher hasher,
                  const Clock& clock, DocumentLimits limits = {})
      : store_(store),
        catalog_(catalog),
        hasher_(std::move(hasher)),
        clock_(clock),
        limits_(limits) {}

  // Stores `bytes` as a document of `media_type` (a type/subtype such as
  // "application/pdf"; parameters are dropped, the rest lower-cased) and
  // records the actor as an uploader. kInvalidArgument for empty or
  // oversized content ("/body") or a malformed media type ("/content-type");
  // kPermissionDenied for the system actor and auditors.
  Result<DocumentInfo> Upload(const Actor& actor, std::string_view bytes,
                              std::string_view media_type);

  // The document, if the actor may read it (see above); else kNotFound. Its
  // media type is the one the actor gave if they uploaded the bytes (each
  // uploader has their own), else the first uploader's.
  Result<DocumentDownload> Get(const Actor& actor, const std::string& id);

 private:
  // Whether `actor` may read the document: nullopt when not; otherwise the
  // media type they gave when they uploaded it, or "" when they read it
  // through a dossier they can see (the document's first uploader's type
  // applies then).
  Result<std::optional<std::string>> ReadableAs(const Actor& actor, const std::string& id);

  DossierStore& store_;
  WorkflowCatalog& catalog_;
  ContentHasher hasher_;
  const Clock& clock_;
  DocumentLimits limits_;
};

}  // namespace motcua
