#include "engine/sqlite/sqlite_store.h"

#include <semaphore.h>
#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <functional>
#include <limits>
#include <mutex>
#include <thread>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "engine/crypto/sha256.h"
#include "engine/sqlite/audit_chain.h"
#include "engine/sqlite/dossier_codec.h"
#include "engine/sqlite/history_cache.h"
#include "engine/sqlite/migrations.h"
#include "engine/sqlite/report_tables.h"
#include "engine/sqlite/sqlite_db.h"

namespace motcua {
namespace {

// Queue rows of dossiers without a due date carry this key so they sort last.
constexpr std::int64_t kNoDueDate = std::numeric_limits<std::int64_t>::max();
constexpr int kMaxPageSize = 1000;

// A dossier's columns, encoded in the caller's thread so the writer only binds.
struct DossierRow {
  const Dossier* dossier = nullptr;
  int national_status = 0;
  std::string clock_json;
  std::string form_json;
  std::string documents_json;
  std::string signatures_json;
  std::int64_t updated_at = 0;
};

Result<DossierRow> EncodeDossier(const Dossier& dossier, int national_status, Instant updated_at) {
  if (dossier.code.empty()) {
    return Error(ErrorCode::kInvalidArgument, "a dossier needs a code", "",
                 {FieldError{"/code", "must not be empty"}});
  }
  DossierRow row;
  row.dossier = &dossier;
  row.national_status = national_status;
  try {
    row.clock_json = EncodeClockParts(dossier.clock);
    row.form_json = dossier.form.dump();
    row.documents_json = EncodeDocuments(dossier.documents);
    row.signatures_json = EncodeSignatures(dossier.result_signatures);
  } catch (const nlohmann::json::exception& e) {
    return Error(ErrorCode::kInvalidArgument,
                 "dossier " + dossier.code + " cannot be stored: " + e.what());
  }
  row.updated_at = ToSeconds(updated_at);
  return row;
}

// Binds ?1..?18 in the column order of kInsertDossier, without copying: `row`
// and its dossier must outlive the statement's use.
void BindDossierRow(SqliteStatement& stmt, const DossierRow& row) {
  const Dossier& d = *row.dossier;
  stmt.BindTextNoCopy(1, d.code);
  stmt.BindTextNoCopy(2, d.procedure_code);
  stmt.BindInt(3, d.definition_version);
  stmt.BindTextNoCopy(4, d.applicant_id);
  stmt.BindTextNoCopy(5, d.agency);
  stmt.BindTextNoCopy(6, d.state);
  stmt.BindInt(7, row.national_status);
  stmt.BindInt(8, d.version);
  stmt.BindOptionalText(9, d.assignee);
  stmt.BindOptionalInt(10, OptionalSeconds(d.clock.received_at));
  stmt.BindOptionalInt(11, OptionalSeconds(d.clock.due_at));
  stmt.BindOptionalInt(12, OptionalSeconds(d.clock.finished_at));
  stmt.BindTextNoCopy(13, row.clock_json);
  stmt.BindTextNoCopy(14, row.form_json);
  stmt.BindTextNoCopy(15, row.documents_json);
  stmt.BindOptionalText(16, d.result_document);
  stmt.BindTextNoCopy(17, row.signatures_json);
  stmt.BindInt(18, row.updated_at);
}

constexpr const char* kInsertDossier =
    "INSERT INTO dossiers (code, procedure_code, definition_version, applicant_id, agency, state, "
    "national_status, version, assignee, received_at, due_at, finished_at, clock_json, form_json, "
    "documents_json, result_document, signatures_json, updated_at, state_entered_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?18)";

// A dossier's procedure, pinned version, applicant and agency are fixed at
// creation; leaving them out of SET keeps SQLite from rewriting the applicant
// and agency indexes on every transition (?2 to ?5 are bound but unused).
constexpr const char* kUpdateDossier =
    "UPDATE dossiers SET state = ?6, national_status = ?7, version = ?8, assignee = ?9, "
    "received_at = ?10, due_at = ?11, finished_at = ?12, clock_json = ?13, form_json = ?14, "
    "documents_json = ?15, result_document = ?16, signatures_json = ?17, updated_at = ?18, "
    "state_entered_at = CASE WHEN ?20 THEN ?18 ELSE state_entered_at END "
    "WHERE code = ?1 AND version = ?19";

constexpr const char* kDossierColumns =
    "code, procedure_code, definition_version, applicant_id, agency, state, national_status, "
    "version, assignee, received_at, due_at, finished_at, clock_json, form_json, documents_json, "
    "result_document, signatures_json, updated_at";

constexpr const char* kSummaryColumns =
    "d.code, d.procedure_code, d.applicant_id, d.agency, d.state, d.national_status, d.version, "
    "d.assignee, d.due_at, d.updated_at";

constexpr const char* kDefinitionColumns =
    "procedure_code, version, content_hash, document, published_at, published_by, owner_agency";

DossierSummary ReadSummary(const SqliteStatement& row) {
  DossierSummary summary;
  summary.code = row.ColumnText(0);
  summary.procedure_code = row.ColumnText(1);
  summary.applicant_id = row.ColumnText(2);
  summary.agency = row.ColumnText(3);
  summary.state = row.ColumnText(4);
  summary.national_status = static_cast<int>(row.ColumnInt(5));
  summary.version = row.ColumnInt(6);
  summary.assignee = row.ColumnOptionalText(7);
  if (!row.IsNull(8)) summary.due_at = FromSeconds(row.ColumnInt(8));
  summary.updated_at = FromSeconds(row.ColumnInt(9));
  return summary;
}

Result<StoredDefinition> ReadDefinition(const SqliteStatement& row) {
  StoredDefinition definition;
  definition.procedure_code = row.ColumnText(0);
  definition.version = row.ColumnInt(1);
  definition.content_hash = row.ColumnText(2);
  Result<nlohmann::json> document = DecodeJson(row.ColumnText(3), "definitions.document");
  if (!document.ok()) return document.error();
  definition.document = std::move(document).value();
  definition.published_at = FromSeconds(row.ColumnInt(4));
  definition.published_by = row.ColumnText(5);
  definition.owner_agency = row.ColumnText(6);
  return definition;
}

Result<Dossier> ReadDossier(const SqliteStatement& row) {
  Dossier d;
  d.code = row.ColumnText(0);
  d.procedure_code = row.ColumnText(1);
  d.definition_version = row.ColumnInt(2);
  d.applicant_id = row.ColumnText(3);
  d.agency = row.ColumnText(4);
  d.state = row.ColumnText(5);
  d.version = row.ColumnInt(7);
  d.assignee = row.ColumnOptionalText(8);
  if (!row.IsNull(9)) d.clock.received_at = FromSeconds(row.ColumnInt(9));
  if (!row.IsNull(10)) d.clock.due_at = FromSeconds(row.ColumnInt(10));
  if (!row.IsNull(11)) d.clock.finished_at = FromSeconds(row.ColumnInt(11));
  Status clock = DecodeClockParts(row.ColumnText(12), &d.clock);
  if (!clock.ok()) return clock.error();
  Result<nlohmann::json> form = DecodeJson(row.ColumnText(13), "form_json");
  if (!form.ok()) return form.error();
  d.form = std::move(form).value();
  Result<std::map<std::string, std::string>> documents = DecodeDocuments(row.ColumnText(14));
  if (!documents.ok()) return documents.error();
  d.documents = std::move(documents).value();
  d.result_document = row.ColumnOptionalText(15);
  Result<std::vector<SignatureEvidence>> signatures = DecodeSignatures(row.ColumnText(16));
  if (!signatures.ok()) return signatures.error();
  d.result_signatures = std::move(signatures).value();
  return d;
}

// What the writer thread knows of the rows it wrote, so that it need not read
// them back: the last event of each dossier (the head of its hash chain) and
// the document references known to exist. Used only on the writer thread. The
// entries describe what the writer connection currently sees, so the writer
// clears them whenever that view can lose rows (any rollback, to a savepoint
// too) and when another connection committed (PRAGMA data_version moved).
// Each map is bounded: when full it is cleared, and entries load again from
// the database.
struct WriterCache {
  static constexpr std::size_t kMaxEntries = 1 << 16;

  struct ChainHead {
    std::int64_t index = 0;
    std::string hash;
  };
  std::unordered_map<std::string, ChainHead> chain_heads;  // by dossier code
  std::unordered_set<std::string> references;              // document id + '\n' + dossier code

  void Clear() {
    chain_heads.clear();
    references.clear();
  }
};

// An event's columns and canonical text, encoded in the caller's thread so
// that the writer only looks up the previous link, hashes and binds.
struct EncodedEvent {
  const DossierEvent* event = nullptr;
  CanonicalEventTemplate canonical;
  std::string step;
  std::string roles_json;
  std::string payload_json;
};

Result<EncodedEvent> EncodeEvent(const std::string& dossier_code, const DossierEvent& event) {
  EncodedEvent encoded;
  encoded.event = &event;
  try {
    encoded.canonical = CanonicalEventAround(dossier_code, event);
    encoded.step = StepName(event.step);
    encoded.roles_json = nlohmann::json(event.actor.roles).dump();
    encoded.payload_json = event.payload.dump();
  } catch (const nlohmann::json::exception& e) {
    return Error(ErrorCode::kInvalidArgument, std::string("event cannot be stored: ") + e.what());
  }
  return encoded;
}

// Appends `encoded` as the next link of `dossier_code`'s chain.
Status AppendEvent(SqliteConnection& db, WriterCache& cache, const std::string& dossier_code,
                   const EncodedEvent& encoded) {
  std::int64_t index = 0;
  std::string previous_hash;
  if (auto head = cache.chain_heads.find(dossier_code); head != cache.chain_heads.end()) {
    index = head->second.index + 1;
    previous_hash = head->second.hash;
  } else {
    Result<SqliteStatement*> last = db.Prepare(
        "SELECT idx, hash FROM events WHERE dossier_code = ?1 ORDER BY idx DESC LIMIT 1");
    if (!last.ok()) return last.error();
    StatementReset reset(*last);
    (*last)->BindTextNoCopy(1, dossier_code);
    Result<bool> row = (*last)->Step();
    if (!row.ok()) return row.error();
    if (*row) {
      index = (*last)->ColumnInt(0) + 1;
      previous_hash = (*last)->ColumnText(1);
    }
  }
  const std::string hash = EventHash(encoded.canonical, index, previous_hash);
  const DossierEvent& event = *encoded.event;
  Result<SqliteStatement*> insert = db.Prepare(
      "INSERT INTO events (dossier_code, idx, action, from_state, to_state, actor_id, "
      "actor_roles, actor_agency, at, step, channel, payload, previous_hash, hash) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)");
  if (!insert.ok()) return insert.error();
  SqliteStatement& stmt = **insert;
  StatementReset reset(&stmt);
  stmt.BindTextNoCopy(1, dossier_code);
  stmt.BindInt(2, index);
  stmt.BindTextNoCopy(3, event.action);
  stmt.BindTextNoCopy(4, event.from_state);
  stmt.BindTextNoCopy(5, event.to_state);
  stmt.BindTextNoCopy(6, event.actor.user_id);
  stmt.BindTextNoCopy(7, encoded.roles_json);
  stmt.BindTextNoCopy(8, event.actor.agency);
  stmt.BindInt(9, ToSeconds(event.at));
  stmt.BindTextNoCopy(10, encoded.step);
  if (event.channel) {
    stmt.BindInt(11, static_cast<int>(*event.channel));
  } else {
    stmt.BindNull(11);
  }
  stmt.BindTextNoCopy(12, encoded.payload_json);
  stmt.BindTextNoCopy(13, previous_hash);
  stmt.BindTextNoCopy(14, hash);
  Status inserted = stmt.Run();
  if (!inserted.ok()) return inserted;
  if (cache.chain_heads.size() >= WriterCache::kMaxEntries) cache.chain_heads.clear();
  cache.chain_heads.insert_or_assign(dossier_code, WriterCache::ChainHead{index, hash});
  return Status();
}

// Runs `sql`, a DELETE whose only parameter ?1 is a dossier code.
Status DeleteByCode(SqliteConnection& db, const char* sql, const std::string& code) {
  Result<SqliteStatement*> remove = db.Prepare(sql);
  if (!remove.ok()) return remove.error();
  StatementReset reset(*remove);
  (*remove)->BindTextNoCopy(1, code);
  return (*remove)->Run();
}

// Replaces the queue rows of `dossier` by one per role of its current state,
// in the queues of `agency` (empty: the dossier's receiving agency).
Status ReplaceQueueEntries(SqliteConnection& db, const Dossier& dossier,
                           const std::vector<std::string>& roles, const std::string& agency) {
  Status removed = DeleteByCode(db, "DELETE FROM queue_entries WHERE code = ?1", dossier.code);
  if (!removed.ok()) return removed;
  Result<SqliteStatement*> insert = db.Prepare(
      "INSERT OR IGNORE INTO queue_entries (role, agency, state, due_at, code) "
      "VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!insert.ok()) return insert.error();
  const std::int64_t due = dossier.clock.due_at ? ToSeconds(*dossier.clock.due_at) : kNoDueDate;
  for (const std::string& role : roles) {
    StatementReset reset(*insert);
    (*insert)->BindTextNoCopy(1, role);
    (*insert)->BindTextNoCopy(2, agency.empty() ? dossier.agency : agency);
    (*insert)->BindTextNoCopy(3, dossier.state);
    (*insert)->BindInt(4, due);
    (*insert)->BindTextNoCopy(5, dossier.code);
    Status inserted = (*insert)->Run();
    if (!inserted.ok()) return inserted;
  }
  return Status();
}

// Records that `dossier` refers to its documents and result (rows are only
// ever added; see ListDossiersReferencing).
Status ReferenceDocuments(SqliteConnection& db, WriterCache& cache, const Dossier& dossier) {
  auto reference = [&](const std::string& id) -> Status {
    std::string key = id + '\n' + dossier.code;
    if (cache.references.count(key) != 0) return Status();
    Result<SqliteStatement*> insert = db.Prepare(
        "INSERT OR IGNORE INTO dossier_documents (document_id, dossier_code) VALUES (?1, ?2)");
    if (!insert.ok()) return insert.error();
    StatementReset reset(*insert);
    (*insert)->BindTextNoCopy(1, id);
    (*insert)->BindTextNoCopy(2, dossier.code);
    Status inserted = (*insert)->Run();
    if (!inserted.ok()) return inserted;
    if (cache.references.size() >= WriterCache::kMaxEntries) cache.references.clear();
    cache.references.insert(std::move(key));
    return Status();
  };
  for (const auto& [key, id] : dossier.documents) {
    Status added = reference(id);
    if (!added.ok()) return added;
  }
  for (const SignatureEvidence& signature : dossier.result_signatures) {
    if (signature.signature_id.empty()) continue;
    Status added = reference(signature.signature_id);
    if (!added.ok()) return added;
  }
  return dossier.result_document ? reference(*dossier.result_document) : Status();
}

Result<bool> PaymentExists(SqliteConnection& db, const std::string& transaction_id) {
  Result<SqliteStatement*> stmt = db.Prepare("SELECT 1 FROM payments WHERE transaction_id = ?1");
  if (!stmt.ok()) return stmt.error();
  StatementReset reset(*stmt);
  (*stmt)->BindText(1, transaction_id);
  return (*stmt)->Step();
}

Status InsertPayment(SqliteConnection& db, const PaymentRecord& payment) {
  Result<SqliteStatement*> stmt = db.Prepare(
      "INSERT INTO payments (transaction_id, dossier_code, channel, amount, recorded_at, "
      "recorded_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  if (!stmt.ok()) return stmt.error();
  StatementReset reset(*stmt);
  (*stmt)->BindText(1, payment.transaction_id);
  (*stmt)->BindText(2, payment.dossier_code);
  (*stmt)->BindInt(3, static_cast<int>(payment.channel));
  (*stmt)->BindInt(4, payment.amount);
  (*stmt)->BindInt(5, ToSeconds(payment.recorded_at));
  (*stmt)->BindText(6, payment.recorded_by);
  return (*stmt)->Run();
}

Status CheckDocumentBytes(const DocumentInfo& info, std::string_view bytes) {
  return CheckDocumentInfo(info, bytes, Sha256Hex(bytes) == info.id);
}

// Stores the bytes once and records one more uploader (inside a write).
Status InsertDocument(SqliteConnection& db, const DocumentInfo& info, std::string_view bytes,
                      const std::string& uploaded_by, Instant at) {
  Result<SqliteStatement*> stmt = db.Prepare(
      "INSERT OR IGNORE INTO documents (id, size, media_type, bytes) VALUES (?1, ?2, ?3, ?4)");
  if (!stmt.ok()) return stmt.error();
  {
    StatementReset reset(*stmt);
    (*stmt)->BindText(1, info.id);
    (*stmt)->BindInt(2, info.size);
    (*stmt)->BindText(3, info.media_type);
    (*stmt)->BindBlob(4, bytes);
    Status stored = (*stmt)->Run();
    if (!stored.ok()) return stored;
  }
  Result<SqliteStatement*> upload = db.Prepare(
      "INSERT OR IGNORE INTO document_uploads (document_id, user_id, uploaded_at) "
      "VALUES (?1, ?2, ?3)");
  if (!upload.ok()) return upload.error();
  StatementReset reset(*upload);
  (*upload)->BindText(1, info.id);
  (*upload)->BindText(2, uploaded_by);
  (*upload)->BindInt(3, ToSeconds(at));
  return (*upload)->Run();
}

// The WHERE clause of DossierFilter over `dossiers AS d`, with parameters
// ?10 state, ?11 procedure, ?12 received_from, ?13 received_to.
constexpr const char* kFilterClause =
    " AND (?10 IS NULL OR d.state = ?10) AND (?11 IS NULL OR d.procedure_code = ?11)"
    " AND (?12 IS NULL OR d.received_at >= ?12) AND (?13 IS NULL OR d.received_at < ?13)";

void BindFilter(SqliteStatement& stmt, const DossierFilter& filter) {
  stmt.BindOptionalText(10, filter.state);
  stmt.BindOptionalText(11, filter.procedure_code);
  if (filter.received_from) {
    stmt.BindInt(12, ToSeconds(*filter.received_from));
  } else {
    stmt.BindNull(12);
  }
  if (filter.received_to) {
    stmt.BindInt(13, ToSeconds(*filter.received_to));
  } else {
    stmt.BindNull(13);
  }
}

// The outbox payloads as text, encoded in the caller's thread.
Result<std::vector<std::string>> EncodeOutbox(const std::vector<OutboxEntry>& outbox) {
  std::vector<std::string> payloads;
  try {
    for (const OutboxEntry& entry : outbox) payloads.push_back(entry.payload.dump());
  } catch (const nlohmann::json::exception& e) {
    return Error(ErrorCode::kInvalidArgument, std::string("outbox payload: ") + e.what());
  }
  return payloads;
}

// Appends outbox rows of `agency`'s dossier. The id is the rowid, assigned
// here inside the writer's transaction (see 0005_feed_delivery.sql).
Status InsertOutbox(SqliteConnection& db, const std::vector<OutboxEntry>& outbox,
                    const std::vector<std::string>& payloads, const std::string& agency,
                    Instant at) {
  if (outbox.empty()) return Status();
  Result<SqliteStatement*> insert =
      db.Prepare("INSERT INTO outbox (topic, payload, created_at, agency) VALUES (?1, ?2, ?3, ?4)");
  if (!insert.ok()) return insert.error();
  for (std::size_t i = 0; i < outbox.size(); ++i) {
    StatementReset reset(*insert);
    (*insert)->BindText(1, outbox[i].topic);
    (*insert)->BindText(2, payloads[i]);
    (*insert)->BindInt(3, ToSeconds(at));
    (*insert)->BindText(4, agency);
    Status inserted = (*insert)->Run();
    if (!inserted.ok()) return inserted;
  }
  return Status();
}

constexpr int kMaxFeedPage = 1000;
constexpr const char* kWebhookSubscriber = "webhook";

Status CheckFeedLimit(int limit) {
  if (limit < 1 || limit > kMaxFeedPage) {
    return Error(ErrorCode::kInvalidArgument, "limit must be from 1 to 1000", "validation",
                 {FieldError{"/limit", "must be a whole number from 1 to 1000"}});
  }
  return Status();
}

Status CheckPageSize(int limit) {
  if (limit < 1) {
    return Error(ErrorCode::kInvalidArgument, "limit must be at least 1", "",
                 {FieldError{"/limit", "must be at least 1"}});
  }
  return Status();
}

std::string DayKey(LocalDate date) {
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  return text;
}

// Report facts must be those of the dossier written with them.
Status CheckFactsCode(const std::optional<ReportFacts>& facts, const std::string& code) {
  if (facts && facts->dossier_code != code) {
    return Error(ErrorCode::kInvalidArgument, "report facts of another dossier", "",
                 {FieldError{"/facts/dossier_code", "must be " + code}});
  }
  return Status();
}

// One thread wakes one waiting thread, once. A POSIX semaphore, because
// std::binary_semaphore in libstdc++ 12 calls sched_yield in a loop before it
// sleeps, which with hundreds of waiting callers burns the cores the writer
// needs. POSIX lets the waiter destroy the semaphore as soon as sem_wait
// returned, even while sem_post is still finishing.
class Wakeup {
 public:
  Wakeup() { sem_init(&sem_, 0, 0); }
  ~Wakeup() { sem_destroy(&sem_); }
  Wakeup(const Wakeup&) = delete;
  Wakeup& operator=(const Wakeup&) = delete;

  void Wait() {
    while (sem_wait(&sem_) != 0) {  // EINTR
    }
  }
  void Post() { sem_post(&sem_); }

 private:
  sem_t sem_;
};

class SystemClock final : public Clock {
 public:
  Instant Now() const override {
    return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  }
};

}  // namespace

struct SqliteStore::Impl {
  // How many callers one answered caller wakes (see AnswerBatch).
  static constexpr std::size_t kWakeFanOut = 4;

  // A queued write. It lives on the calling thread's stack: queueing and
  // answering it allocates nothing, and the writer never frees it.
  struct PendingWrite {
    Status (*call)(void* apply, SqliteConnection& db) = nullptr;
    void* apply = nullptr;  // the caller's write function
    Status result;
    // Set by the writer before the write is answered: the writes this one's
    // caller answers in turn.
    std::array<PendingWrite*, kWakeFanOut> next{};
    Wakeup answered;

    Status Apply(SqliteConnection& db) { return call(apply, db); }
  };

  SqliteStoreOptions options;
  SystemClock system_clock;
  const Clock* clock = nullptr;

  std::unique_ptr<SqliteConnection> writer;
  WriterCache cache;                        // writer thread only
  std::unique_ptr<HistoryCache> histories;  // any thread
  std::string data_version;  // of the writer connection when `cache` was last checked
  std::mutex write_mutex;
  std::condition_variable write_ready;
  std::deque<PendingWrite*> pending;
  bool stopping = false;
  std::size_t expected_writes = 1;  // the batch size the writer waits for (see WriterLoop)
  std::chrono::steady_clock::duration last_commit_time{};  // writer thread only
  std::thread writer_thread;

  std::mutex reader_mutex;
  std::condition_variable reader_free;
  std::vector<std::unique_ptr<SqliteConnection>> idle_readers;

  // A read-only connection lent to one thread; returned to the pool on scope exit.
  class ReaderLease {
   public:
    explicit ReaderLease(Impl* impl) : impl_(impl) {
      std::unique_lock lock(impl_->reader_mutex);
      impl_->reader_free.wait(lock, [this] { return !impl_->idle_readers.empty(); });
      connection_ = std::move(impl_->idle_readers.back());
      impl_->idle_readers.pop_back();
    }
    ~ReaderLease() {
      {
        std::lock_guard lock(impl_->reader_mutex);
        impl_->idle_readers.push_back(std::move(connection_));
      }
      impl_->reader_free.notify_one();
    }
    ReaderLease(const ReaderLease&) = delete;
    ReaderLease& operator=(const ReaderLease&) = delete;
    SqliteConnection& operator*() { return *connection_; }

   private:
    Impl* impl_;
    std::unique_ptr<SqliteConnection> connection_;
  };

  // Runs `read` on a pooled connection inside one read transaction, so that
  // multi-statement reads see one snapshot.
  template <typename T>
  Result<T> Read(const std::function<Result<T>(SqliteConnection&)>& read) {
    ReaderLease lease(this);
    Status begun = RunCached(*lease, "BEGIN");
    if (!begun.ok()) return begun.error();
    Result<T> result = read(*lease);
    (void)RunCached(*lease, "COMMIT");
    return result;
  }

  // Queues `apply` (a callable Status(SqliteConnection&)) for the writer and
  // waits until its batch committed.
  template <typename F>
  Status Write(F&& apply) {
    PendingWrite write;
    write.apply = const_cast<void*>(static_cast<const void*>(&apply));
    write.call = [](void* target, SqliteConnection& db) -> Status {
      return (*static_cast<std::remove_reference_t<F>*>(target))(db);
    };
    {
      std::lock_guard lock(write_mutex);
      if (stopping) return Error(ErrorCode::kUnavailable, "the store is closing");
      pending.push_back(&write);
    }
    write_ready.notify_one();
    write.answered.Wait();
    // Pass the answer on before using it (see AnswerBatch).
    for (PendingWrite* next : write.next) {
      if (next != nullptr) next->answered.Post();
    }
    return std::move(write.result);
  }

  // Gives every write of `batch` its result and wakes its caller. Waking a
  // thread costs the waker a system call, and the writer is the bottleneck:
  // it wakes only the first kWakeFanOut callers, and every woken caller wakes
  // kWakeFanOut more before it returns (a tree, so the last caller of a batch
  // of 256 is four wake-ups away). A write is only touched by the thread that
  // wakes it, before it is woken, so no thread touches a write that returned.
  void AnswerBatch(std::vector<PendingWrite*>& batch, std::vector<Status>& results) {
    const std::size_t n = batch.size();
    {
      std::lock_guard lock(write_mutex);
      expected_writes = n + pending.size();
    }
    for (std::size_t i = 0; i < n; ++i) {
      batch[i]->result = std::move(results[i]);
      for (std::size_t k = 0; k < kWakeFanOut; ++k) {
        const std::size_t child = kWakeFanOut * (i + 1) + k;
        batch[i]->next[k] = child < n ? batch[child] : nullptr;
      }
    }
    for (std::size_t i = 0; i < n && i < kWakeFanOut; ++i) batch[i]->answered.Post();
  }

  // Group commit. Callers block until their batch commits, so right after a
  // commit they come back together: taking only the first one to arrive would
  // alternate tiny and large batches (an fsync each). The writer therefore
  // waits, briefly, until as many writes are pending as it expects: the
  // callers of the previous batch plus the writes that arrived while it ran
  // (counted before its callers were answered, see AnswerBatch). Counting
  // both lets callers that took turns in two groups (each paying an fsync)
  // merge into one batch. It waits at most half the last COMMIT's time (at
  // least kLinger, at most kMaxLinger): when fsync is slow, merging saves
  // the most. When fewer come, it takes what came, so a lone caller never
  // waits.
  void WriterLoop() {
    constexpr auto kLinger = std::chrono::microseconds(500);
    constexpr auto kMaxLinger = std::chrono::microseconds(5000);
    std::vector<PendingWrite*> batch;
    const std::size_t max_batch = static_cast<std::size_t>(options.max_batch);
    for (;;) {
      {
        std::unique_lock lock(write_mutex);
        write_ready.wait(lock, [this] { return stopping || !pending.empty(); });
        if (pending.empty()) return;  // stopping, and everything is written
        const std::size_t wanted = std::min(expected_writes, max_batch);
        if (pending.size() < wanted) {
          const auto linger = std::clamp(
              std::chrono::duration_cast<std::chrono::microseconds>(last_commit_time / 2), kLinger,
              kMaxLinger);
          write_ready.wait_for(lock, linger, [&] { return stopping || pending.size() >= wanted; });
        }
        while (!pending.empty() && batch.size() < max_batch) {
          batch.push_back(pending.front());
          pending.pop_front();
        }
      }
      RunBatch(batch);
      batch.clear();
    }
  }

  // Runs `sql` (one statement without parameters) as a prepared statement
  // kept by `db`, so that it is not compiled again on every call.
  static Status RunCached(SqliteConnection& db, const char* sql) {
    Result<SqliteStatement*> stmt = db.Prepare(sql);
    if (!stmt.ok()) return stmt.error();
    StatementReset reset(*stmt);
    return (*stmt)->Run();
  }

  Status ExecCached(const char* sql) { return RunCached(*writer, sql); }

  // Commits `batch` in one transaction and answers every write.
  //
  // Writes run back to back without per-write savepoints. A write that fails
  // before changing any row (the usual case: a stale version, a duplicate
  // code) simply gets its error while the others go on. A write that fails
  // after changing rows would leave half a write in the transaction, so the
  // whole batch is rolled back and replayed one write per savepoint.
  void RunBatch(std::vector<PendingWrite*>& batch) {
    std::vector<Status> results(batch.size());
    std::optional<Error> aborted;
    bool partial_failure = false;
    Status begun = BeginBatch();
    if (!begun.ok()) aborted = begun.error();
    for (std::size_t i = 0; i < batch.size() && !aborted && !partial_failure; ++i) {
      const int changes_before = sqlite3_total_changes(writer->handle());
      results[i] = batch[i]->Apply(*writer);
      if (sqlite3_get_autocommit(writer->handle()) != 0) {
        aborted = TransactionLost(results[i]);
      } else if (!results[i].ok() && sqlite3_total_changes(writer->handle()) != changes_before) {
        partial_failure = true;
      }
    }
    if (partial_failure) {
      (void)writer->Exec("ROLLBACK");
      cache.Clear();
      RunBatchWithSavepoints(batch);
      return;
    }
    if (!aborted) aborted = Commit();
    if (!aborted && options.observer != nullptr) options.observer->BatchCommitted(batch.size());
    if (aborted) std::fill(results.begin(), results.end(), Status(*aborted));
    AnswerBatch(batch, results);
  }

  // The slow path of RunBatch: each write in its own savepoint, so a failing
  // write is undone alone.
  void RunBatchWithSavepoints(std::vector<PendingWrite*>& batch) {
    std::vector<Status> results(batch.size());
    std::optional<Error> aborted;
    Status begun = BeginBatch();
    if (!begun.ok()) aborted = begun.error();
    for (std::size_t i = 0; i < batch.size() && !aborted; ++i) {
      Status savepoint = ExecCached("SAVEPOINT write");
      results[i] = savepoint.ok() ? batch[i]->Apply(*writer) : savepoint;
      if (sqlite3_get_autocommit(writer->handle()) != 0) {
        aborted = TransactionLost(results[i]);
        break;
      }
      if (!results[i].ok()) {
        (void)ExecCached("ROLLBACK TO write");
        cache.Clear();
      }
      (void)ExecCached("RELEASE write");
    }
    if (!aborted) aborted = Commit();
    if (!aborted && options.observer != nullptr) options.observer->BatchCommitted(batch.size());
    if (aborted) std::fill(results.begin(), results.end(), Status(*aborted));
    AnswerBatch(batch, results);
  }

  // BEGIN IMMEDIATE, and the cache dropped if another connection committed
  // since the writer last looked (the write lock now keeps others out).
  Status BeginBatch() {
    Status begun = ExecCached("BEGIN IMMEDIATE");
    if (!begun.ok()) return begun;
    Result<std::string> version = writer->QueryText("PRAGMA data_version");
    if (!version.ok() || *version != data_version) {
      cache.Clear();
      data_version = version.ok() ? *version : std::string();
    }
    return Status();
  }

  // SQLite rolled the whole transaction back (I/O error, disk full): every
  // write of the batch is lost.
  Error TransactionLost(const Status& cause) {
    cache.Clear();
    return Error(ErrorCode::kUnavailable,
                 "the write transaction was aborted: " +
                     (cause.ok() ? std::string("unknown") : cause.error().message()));
  }

  // COMMIT, or the error that made it fail (after rolling back).
  std::optional<Error> Commit() {
    const auto start = std::chrono::steady_clock::now();
    Status committed = ExecCached("COMMIT");
    last_commit_time = std::chrono::steady_clock::now() - start;
    if (committed.ok()) return std::nullopt;
    (void)writer->Exec("ROLLBACK");
    cache.Clear();
    return Error(committed.error().code(),
                 "the write transaction failed to commit: " + committed.error().message());
  }

  ~Impl() {
    {
      std::lock_guard lock(write_mutex);
      stopping = true;
    }
    write_ready.notify_all();
    if (writer_thread.joinable()) writer_thread.join();
  }
};

SqliteStore::SqliteStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

SqliteStore::~SqliteStore() = default;

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const SqliteStoreOptions& options) {
  std::vector<FieldError> problems;
  if (options.path.empty()) problems.push_back({"/path", "must not be empty"});
  if (options.synchronous != "full" && options.synchronous != "normal") {
    problems.push_back({"/synchronous", "must be \"full\" or \"normal\""});
  }
  if (options.max_batch < 1) problems.push_back({"/max_batch", "must be at least 1"});
  if (options.writer_cache_kib < 1) {
    problems.push_back({"/writer_cache_kib", "must be at least 1"});
  }
  if (options.reader_connections < 1) {
    problems.push_back({"/reader_connections", "must be at least 1"});
  }
  if (!problems.empty()) {
    return Error(ErrorCode::kInvalidArgument, "invalid SQLite store options", "",
                 std::move(problems));
  }

  auto impl = std::make_unique<Impl>();
  impl->histories = std::make_unique<HistoryCache>(options.history_cache_events);
  impl->options = options;
  impl->clock = options.clock != nullptr ? options.clock : &impl->system_clock;

  Result<std::unique_ptr<SqliteConnection>> writer = SqliteConnection::Open(
      options.path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, options.busy_timeout_ms);
  if (!writer.ok()) return writer.error();
  impl->writer = std::move(writer).value();
  Result<std::string> mode = impl->writer->QueryText("PRAGMA journal_mode=WAL");
  if (!mode.ok()) return mode.error();
  if (*mode != "wal") {
    return Error(ErrorCode::kFailedPrecondition,
                 "database " + options.path + " cannot use WAL mode (got " + *mode + ")");
  }
  Status pragmas = impl->writer->Exec(
      std::string("PRAGMA synchronous=") + (options.synchronous == "full" ? "FULL" : "NORMAL") +
      "; PRAGMA foreign_keys=ON; PRAGMA cache_size=-" + std::to_string(options.writer_cache_kib));
  if (!pragmas.ok()) return pragmas.error();
  Result<std::int64_t> migrated =
      ApplyMigrations(*impl->writer, EmbeddedMigrations(), impl->clock->Now());
  if (!migrated.ok()) return migrated.error();
  if (Status rolled_up = EnsureReportRollup(*impl->writer); !rolled_up.ok()) {
    return rolled_up.error();
  }

  for (int i = 0; i < options.reader_connections; ++i) {
    Result<std::unique_ptr<SqliteConnection>> reader =
        SqliteConnection::Open(options.path, SQLITE_OPEN_READONLY, options.busy_timeout_ms);
    if (!reader.ok()) return reader.error();
    impl->idle_readers.push_back(std::move(reader).value());
  }
  Impl* raw = impl.get();
  impl->writer_thread = std::thread([raw] { raw->WriterLoop(); });
  return std::unique_ptr<SqliteStore>(new SqliteStore(std::move(impl)));
}

Result<StoredDefinition> SqliteStore::PublishDefinition(const std::string& procedure_code,
                                                        const nlohmann::json& document,
                                                        const std::string& published_by, Instant at,
                                                        const std::string& owner_agency) {
  if (procedure_code.empty()) {
    return Error(ErrorCode::kInvalidArgument, "a definition needs a procedure code");
  }
  std::string text;
  try {
    text = document.dump();
  } catch (const nlohmann::json::exception& e) {
    return Error(ErrorCode::kInvalidArgument,
                 std::string("definition is not storable: ") + e.what());
  }
  StoredDefinition published{procedure_code, 0,           Sha256Hex(text), document, at,
                             published_by,   owner_agency};
  Status written = impl_->Write([&](SqliteConnection& db) -> Status {
    Result<SqliteStatement*> latest =
        db.Prepare(std::string("SELECT ") + kDefinitionColumns +
                   " FROM definitions WHERE procedure_code = ?1 ORDER BY version DESC LIMIT 1");
    if (!latest.ok()) return latest.error();
    {
      StatementReset reset(*latest);
      (*latest)->BindText(1, procedure_code);
      Result<bool> row = (*latest)->Step();
      if (!row.ok()) return row.error();
      if (*row) {
        if ((*latest)->ColumnText(2) == published.content_hash) {
          Result<StoredDefinition> existing = ReadDefinition(**latest);
          if (!existing.ok()) return existing.error();
          published = std::move(existing).value();
          return Status();
        }
        published.version = (*latest)->ColumnInt(1) + 1;
      } else {
        published.version = 1;
      }
    }
    Result<SqliteStatement*> insert =
        db.Prepare(std::string("INSERT INTO definitions (") + kDefinitionColumns +
                   ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    if (!insert.ok()) return insert.error();
    StatementReset reset(*insert);
    (*insert)->BindText(1, procedure_code);
    (*insert)->BindInt(2, published.version);
    (*insert)->BindText(3, published.content_hash);
    (*insert)->BindText(4, text);
    (*insert)->BindInt(5, ToSeconds(at));
    (*insert)->BindText(6, published_by);
    (*insert)->BindText(7, owner_agency);
    return (*insert)->Run();
  });
  if (!written.ok()) return written.error();
  return published;
}

Result<StoredDefinition> SqliteStore::GetDefinition(const std::string& procedure_code,
                                                    std::int64_t version) {
  return impl_->Read<StoredDefinition>([&](SqliteConnection& db) -> Result<StoredDefinition> {
    Result<SqliteStatement*> stmt =
        db.Prepare(std::string("SELECT ") + kDefinitionColumns +
                   " FROM definitions WHERE procedure_code = ?1 AND (?2 = 0 OR version = ?2) "
                   "ORDER BY version DESC LIMIT 1");
    if (!stmt.ok()) return stmt.error();
    StatementReset reset(*stmt);
    (*stmt)->BindText(1, procedure_code);
    (*stmt)->BindInt(2, version);
    Result<bool> row = (*stmt)->Step();
    if (!row.ok()) return row.error();
    if (!*row) {
      return Error(ErrorCode::kNotFound,
                   "procedure " + procedure_code + " has no published definition" +
                       (version == 0 ? std::string() : " version " + std::to_string(version)));
    }
    return ReadDefinition(**stmt);
  });
}

Result<std::int64_t> SqliteStore::LatestDefinitionVersion(const std::string& procedure_code) {
  return impl_->Read<std::int64_t>([&](SqliteConnection& db) -> Result<std::int64_t> {
    Result<SqliteStatement*> stmt = db.Prepare(
        "SELECT version FROM definitions WHERE procedure_code = ?1 ORDER BY version DESC LIMIT 1");
    if (!stmt.ok()) return stmt.error();
    StatementReset reset(*stmt);
    (*stmt)->BindText(1, procedure_code);
    Result<bool> row = (*stmt)->Step();
    if (!row.ok()) return row.error();
    if (!*row) {
      return Error(ErrorCode::kNotFound,
                   "procedure " + procedure_code + " has no published definition");
    }
    return (*stmt)->ColumnInt(0);
  });
}

namespace {

Result<std::vector<StoredDefinition>> ReadDefinitions(SqliteStatement& stmt) {
  std::vector<StoredDefinition> definitions;
  Status read = stmt.ForEachRow([&](const SqliteStatement& row) -> Status {
    Result<StoredDefinition> definition = ReadDefinition(row);
    if (!definition.ok()) return definition.error();
    definitions.push_back(std::move(definition).value());
    return Status();
  });
  if (!read.ok()) return read.error();
  return definitions;
}

Result<std::vector<DossierSummary>> ReadSummaries(SqliteStatement& stmt) {
  std::vector<DossierSummary> summaries;
  Status read =
      stmt.ForEachRow([&](const SqliteStatement& row) { summaries.push_back(ReadSummary(row)); });
  if (!read.ok()) return read.error();
  return summaries;
}

}  // namespace

Result<std::vector<StoredDefinition>> SqliteStore::ListDefinitionVersions(
    const std::string& procedure_code) {
  using List = std::vector<StoredDefinition>;
  return impl_->Read<List>([&](SqliteConnection& db) -> Result<List> {
    Result<SqliteStatement*> stmt =
        db.Prepare(std::string("SELECT ") + kDefinitionColumns +
                   " FROM definitions WHERE procedure_code = ?1 ORDER BY version");
    if (!stmt.ok()) return stmt.error();
    StatementReset reset(*stmt);
    (*stmt)->BindText(1, procedure_code);
    return ReadDefinitions(**stmt);
  });
}

Result<std::vector<StoredDefinition>> SqliteStore::ListLatestDefinitions() {
  using List = std::vector<StoredDefinition>;
  return impl_->Read<List>([&](SqliteConnection& db) -> Result<List> {
    Result<SqliteStatement*> stmt =
        db.Prepare(std::string("SELECT ") + kDefinitionColumns +
                   " FROM definitions AS d WHERE version = (SELECT MAX(version) FROM definitions "
                   "WHERE procedure_code = d.procedure_code) ORDER BY procedure_code");
    if (!stmt.ok()) return stmt.error();
    StatementReset reset(*stmt);
    return ReadDefinitions(**stmt);
  });
}

Result<std::int64_t> SqliteStore::NextDossierSequence(const std::string& agency, LocalDate date) {
  if (agency.empty() || !date.ok()) {
    return Error(ErrorCode::kInvalidArgument, "a sequence needs an agency and a valid date");
  }
  const std::string day = DayKey(date);
  std::int64_t next = 0;
  Status written = impl_->Write([&](SqliteConnection& db) -> Status {
    Result<SqliteStatement*> stmt = db.Prepare(
        "INSERT INTO dossier_sequences (agency, day, last) VALUES (?1, ?2, 1) "
        "ON CONFLICT (agency, day) DO UPDATE SET last = last + 1 RETURNING last");
    if (!stmt.ok()) return stmt.error();
    StatementReset reset(*stmt);
    (*stmt)->BindText(1, agency);
    (*stmt)->BindText(2, day);
    Result<bool> row = (*stmt)->Step();
    if (!row.ok()) return row.error();
    if (!*row) return Error(ErrorCode::kInternal, "sequence upsert returned no row");
    next = (*stmt)->ColumnInt(0);
    return Status();
  });
  if (!written.ok()) return written.error();
  return next;
}

Status SqliteStore::CreateDossier(const Dossier& dossier,
                                  const std::vector<std::string>& queue_roles, int national_status,
                                  const std::vector<OutboxEntry>& outbox,
                                  const std::optional<ReportFacts>& facts,
                                  const std::string& queue_agency) {
  if (Status checked = CheckFactsCode(facts, dossier.code); !checked.ok()) return checked;
  const Instant updated = dossier.history.empty() ? impl_->clock->Now() : dossier.history.back().at;
  Result<DossierRow> row = EncodeDossier(dossier, national_status, updated);
  if (!row.ok()) return row.error();
  Result<std::vector<std::string>> outbox_payloads = EncodeOutbox(outbox);
  if (!outbox_payloads.ok()) return outbox_payloads.error();
  std::vector<EncodedEvent> history;
  history.reserve(dossier.history.size());
  for (const DossierEvent& event : dossier.history) {
    Result<EncodedEvent> encoded = EncodeEvent(dossier.code, event);
    if (!encoded.ok()) return encoded.error();
    history.push_back(std::move(encoded).value());
  }
  Status created = impl_->Write([&](SqliteConnection& db) -> Status {
    Result<SqliteStatement*> exists = db.Prepare("SELECT 1 FROM dossiers WHERE code = ?1");
    if (!exists.ok()) return exists.error();
    {
      StatementReset reset(*exists);
      (*exists)->BindText(1, dossier.code);
      Result<bool> found = (*exists)->Step();
      if (!found.ok()) return found.error();
      if (*found) {
        return Error(ErrorCode::kConflict, "dossier " + dossier.code + " already exists",
                     "dossier_exists");
      }
    }
    Result<SqliteStatement*> insert = db.Prepare(kInsertDossier);
    if (!insert.ok()) return insert.error();
    {
      StatementReset reset(*insert);
      BindDossierRow(**insert, *row);
      Status inserted = (*insert)->Run();
      if (!inserted.ok()) return inserted;
    }
    for (const EncodedEvent& event : history) {
      Status appended = AppendEvent(db, impl_->cache, dossier.code, event);
      if (!appended.ok()) return appended;
    }
    Status referenced = ReferenceDocuments(db, impl_->cache, dossier);
    if (!referenced.ok()) return referenced;
    Status queued = ReplaceQueueEntries(db, dossier, queue_roles, queue_agency);
    if (!queued.ok()) return queued;
    if (facts) {
      Status reported = WriteReportFacts(db, *facts);
      if (!reported.ok()) return reported;
    }
    return InsertOutbox(db, outbox, *outbox_payloads, dossier.agency, updated);
  });
  if (created.ok()) {
    impl_->histories->Put(dossier.code, dossier.version,
                          std::make_shared<const std::vector<DossierEvent>>(dossier.history));
  }
  return created;
}

Status SqliteStore::CommitTransition(const TransitionCommit& commit) {
  if (commit.after == nullptr || commit.event == nullptr) {
    return Error(ErrorCode::kInvalidArgument,
                 "a transition needs the dossier after it and its event");
  }
  const Dossier& after = *commit.after;
  if (Status checked = CheckFactsCode(commit.facts, after.code); !checked.ok()) return checked;
  Result<DossierRow> row = EncodeDossier(after, commit.national_status, commit.event->at);
  if (!row.ok()) return row.error();
  for (const NewDocument& document : commit.documents) {
    if (Status checked = CheckDocumentBytes(document.info, document.bytes); !checked.ok()) {
      return checked;
    }
  }
  Result<EncodedEvent> event = EncodeEvent(after.code, *commit.event);
  if (!event.ok()) return event.error();
  Result<std::vector<std::string>> outbox_payloads = EncodeOutbox(commit.outbox);
  if (!outbox_payloads.ok()) return outbox_payloads.error();
  Status committed = impl_->Write([&](SqliteConnection& db) -> Status {
    // Before any write, so that a refused payment leaves nothing behind.
    if (commit.payment) {
      Result<bool> recorded = PaymentExists(db, commit.payment->transaction_id);
      if (!recorded.ok()) return recorded.error();
      if (*recorded) {
        return Error(ErrorCode::kConflict,
                     "payment " + commit.payment->transaction_id + " is already recorded",
                     "duplicate_payment");
      }
    }
    Result<SqliteStatement*> update = db.Prepare(kUpdateDossier);
    if (!update.ok()) return update.error();
    {
      StatementReset reset(*update);
      BindDossierRow(**update, *row);
      (*update)->BindInt(19, commit.expected_version);
      // Claims and releases keep the dossier in its state; any other event
      // (a self-loop too) enters the target state anew.
      (*update)->BindInt(20, IsBookkeepingEvent(*commit.event) ? 0 : 1);
      Status updated = (*update)->Run();
      if (!updated.ok()) return updated;
    }
    if (sqlite3_changes(db.handle()) == 0) {
      Result<SqliteStatement*> current = db.Prepare("SELECT version FROM dossiers WHERE code = ?1");
      if (!current.ok()) return current.error();
      StatementReset reset(*current);
      (*current)->BindText(1, after.code);
      Result<bool> found = (*current)->Step();
      if (!found.ok()) return found.error();
      if (!*found) return Error(ErrorCode::kNotFound, "dossier " + after.code + " does not exist");
      return Error(ErrorCode::kConflict,
                   "dossier " + after.code + " is at version " +
                       std::to_string((*current)->ColumnInt(0)) + ", not " +
                       std::to_string(commit.expected_version),
                   "stale_version");
    }
    Status appended = AppendEvent(db, impl_->cache, after.code, *event);
    if (!appended.ok()) return appended;
    for (const NewDocument& document : commit.documents) {
      Status stored =
          InsertDocument(db, document.info, document.bytes, document.uploaded_by, commit.event->at);
      if (!stored.ok()) return stored;
    }
    if (commit.payment) {
      Status paid = InsertPayment(db, *commit.payment);
      if (!paid.ok()) return paid;
    }
    Status queued = ReplaceQueueEntries(db, after, commit.queue_roles, commit.queue_agency);
    if (!queued.ok()) return queued;
    Status referenced = ReferenceDocuments(db, impl_->cache, after);
    if (!referenced.ok()) return referenced;
    if (commit.facts) {
      Status reported = WriteReportFacts(db, *commit.facts);
      if (!reported.ok()) return reported;
    }
    return InsertOutbox(db, commit.outbox, *outbox_payloads, after.agency, commit.event->at);
  });
  if (committed.ok()) {
    // The cache relies on every appended event bumping the version.
    if (after.version == commit.expected_version + 1) {
      impl_->histories->Put(after.code, after.version,
                            std::make_shared<const std::vector<DossierEvent>>(after.history));
    } else {
      impl_->histories->Forget(after.code);
    }
  }
  if (committed.ok() && impl_->options.observer != nullptr) {
    impl_->options.observer->TransitionCommitted(after.procedure_code, commit.event->action);
  }
  return committed;
}

Result<std::vector<ReportGroup>> SqliteStore::AggregateReport(const ReportQuery& query) {
  if (query.to <= query.from) {
    return Error(ErrorCode::kInvalidArgument, "the report period is empty", "validation",
                 {FieldError{"/to", "must be after from"}});
  }
  using List = std::vector<ReportGroup>;
  return impl_->Read<List>([&](SqliteConnection& db) { return QueryReport(db, query); });
}

Result<std::vector<std::string>> SqliteStore::ListDossiersWithoutFacts(
    const std::string& after_code, int limit) {
  Status page = CheckPageSize(limit);
  if (!page.ok()) return page.error();
  using List = std::vector<std::string>;
  return impl_->Read<List>([&](SqliteConnection& db) -> Result<List> {
    Result<SqliteStatement*> stmt = db.Prepare(
        "SELECT code FROM dossiers AS d WHERE code > ?1 AND NOT EXISTS "
        "(SELECT 1 FROM report_facts AS f WHERE f.dossier_code = d.code) ORDER BY code LIMIT ?2");
    if (!stmt.ok()) return stmt.error();
    StatementReset reset(*stmt);
    (*stmt)->BindText(1, after_code);
    (*stmt)->BindInt(2, limit);
    List codes;
    Status read = (*stmt)->ForEachRow(
        [&](const SqliteStatement& row) { codes.push_back(row.ColumnText(0)); });
    if (!read.ok()) return read.error();
    return codes;
  });
}

Result<bool> SqliteStore::AddMissingReportFacts(const ReportFacts& facts) {
  bool written = false;
  Status status = impl_->Write([&](SqliteConnection& db) -> Status {
    written = false;
    Result<SqliteStatement*> stmt = db.Prepare(
        "SELECT (SELECT COUNT(*) FROM dossiers WHERE code = ?1), "
        "(SELECT COUNT(*) FROM report_facts WHERE dossier_code = ?1)");
    if (!stmt.ok()) return stmt.error();
    {
      StatementReset reset(*stmt);
      (*stmt)->BindText(1, facts.dossier_code);
      Result<bool> row = (*stmt)->Step();
      if (!row.ok()) return row.error();
      if ((*stmt)->ColumnInt(0) == 0) {
        return Error(ErrorCode::kNotFound, "dossier " + facts.dossier_code + " does not exist");
      }
      if ((*stmt)->ColumnInt(1) != 0) return Status();
    }
    written = true;
    return WriteReportFacts(db, facts);
  });
  if (!status.ok()) return status.error();
  return written;
}

Result<Dossier> SqliteStore::GetDossier(const std::string& code) {
  return impl_->Read<Dossier>([&](SqliteConnection& db) -> Result<Dossier> {
    Result<SqliteStatement*> stmt =
        db.Prepare(std::string("SELECT ") + kDossierColumns + " FROM dossiers WHERE code = ?1");
    if (!stmt.ok()) return stmt.error();
    Result<Dossier> dossier = Error(ErrorCode::kNotFound, "dossier " + code + " does not exist");
    {
      StatementReset reset(*stmt);
      (*stmt)->BindText(1, code);
      Result<bool> row = (*stmt)->Step();
      if (!row.ok()) return row.error();
      if (!*row) return dossier;
      dossier = ReadDossier(**stmt);
      if (!dossier.ok()) return dossier;
    }
    if (HistoryCache::History known = impl_->histories->Find(code, dossier->version)) {
      dossier->history = *known;
      return dossier;
    }
    Result<SqliteStatement*> events =
        db.Prepare(std::string("SELECT ") + kEventColumns +
                   " FROM events WHERE dossier_code = ?1 ORDER BY idx");
    if (!events.ok()) return events.error();
    StatementReset reset(*events);
    (*events)->BindText(1, code);
    Status read = (*events)->ForEachRow([&](const SqliteStatement& row) -> Status {
      Result<AuditRecord> record = ReadEventRow(row);
      if (!record.ok()) return record.error();
      dossier->history.push_back(std::move(record)->event);
      return Status();
    });
    if (!read.ok()) return read.error();
    impl_->histories->Put(code, dossier->version,
                          std::make_shared<const std::vector<DossierEvent>>(dossier->history));
    return dossier;
  });
}

Result<std::vector<DossierSummary>> SqliteStore::ListQueue(const QueueQuery& query) {
  Status page = CheckPageSize(query.limit);
  if (!page.ok()) return page.error();
  using List = std::vector<DossierSummary>;
  return impl_->Read<List>([&](SqliteConnection& db) -> Result<List> {
    std::int64_t after_due = 0;
    if (query.after_code) {
      Result<SqliteStatement*> due = db.Prepare("SELECT due_at FROM dossiers WHERE code = ?1");
      if (!due.ok()) return due.error();
      StatementReset reset(*due);
      (*due)->BindText(1, *query.after_code);
      Result<bool> row = (*due)->Step();
      if (!row.ok()) return row.error();
      if (!*row) {
        return Error(ErrorCode::kInvalidArgument, "after_code names no dossier", "",
                     {FieldError{"/after_code", "unknown dossier " + *query.after_code}});
      }
      after_due = (*due)->IsNull(0) ? kNoDueDate : (*due)->ColumnInt(0);
    }
    Result<SqliteStatement*> stmt =
        db.Prepare(std::string("SELECT ") + kSummaryColumns +
                   " FROM queue_entries AS q JOIN dossiers AS d ON d.code = q.code"
                   " WHERE q.role = ?1 AND q.agency = ?2 AND (?3 IS NULL OR q.state = ?3)"
                   " AND (?4 IS NULL OR d.procedure_code = ?4)"
                   " AND (?5 IS NULL OR (q.due_at, q.code) > (?6, ?5))"
                   " ORDER BY q.due_at, q.code LIMIT ?7");
    if (!stmt.ok()) return stmt.error();
    StatementReset reset(*stmt);
    (*stmt)->BindText(1, query.role);
    (*stmt)->BindText(2, query.agency);
    (*stmt)->BindOptionalText(3, query.state);
    (*stmt)->BindOptionalText(4, query.procedure_code);
    (*stmt)->BindOptionalText(5, query.after_code);
    (*stmt)->BindInt(6, after_due);
    (*stmt)->BindInt(7, std::min(query.limit, kMaxPageSize));
    return ReadSummaries(**stmt);
  });
}

Result<std::vector<DossierSummary>> SqliteStore::ListByApplicant(const ApplicantQuery& query) {
  Status page = CheckPageSize(query.limit);
  if (!page.ok()) return page.error();
  using List = std::vector<DossierSummary>;
  return impl_->Read<List>([&](SqliteConnection& db) -> Result<List> {
    Result<SqliteStatement*> stmt = db.Prepare(std::string("SELECT ") + kSummaryColumns +
                                               " FROM dossiers AS d WHERE d.applicant_id = ?1"
                                               " AND (?2 IS NULL OR d.code < ?2)" +
                                               kFilterClause + " ORDER BY d.code DESC LIMIT ?3");
    if (!stmt.ok()) return stmt.error();
    StatementReset reset(*stmt);
    (*stmt)->BindText(1, query.applicant_id);
    (*stmt)->BindOptionalText(2, query.after_code);
    (*stmt)->BindInt(3, std::min(query.limit, kMaxPageSize));
    BindFilter(**stmt, query.filter);
    return ReadSummaries(**stmt);
  });
}

Result<std::vector<DossierSummary>> SqliteStore::ListByAgency(const AgencyQuery& query) {
  Status page = CheckPageSize(query.limit);
  if (!page.ok()) return page.error();
  using List = std::vector<DossierSummary>;
  return impl_->Read<List>([&](SqliteConnection& db) -> Result<List> {
    Result<SqliteStatement*> stmt =
        db.Prepare(std::string("SELECT ") + kSummaryColumns +
                   " FROM dossiers AS d INDEXED BY dossiers_by_agency WHERE d.agency = ?1"
                   " AND (?2 IS NULL OR d.code < ?2)" +
                   kFilterClause + " ORDER BY d.code DESC LIMIT ?3");
    if (!stmt.ok()) return stmt.error();
    StatementReset reset(*stmt);
    (*stmt)->BindText(1, query.agency);
    (*stmt)->BindOptionalText(2, query.after_code);
    (*stmt)->BindInt(3, std::min(query.limit, kMaxPageSize));
    BindFilter(**stmt, query.filter);
    return ReadSummaries(**stmt);
  });
}

Result<std::vector<DossierSummary>> SqliteStore::ListInState(const StateQuery& query) {
  Status page = CheckPageSize(query.limit);
  if (!page.ok()) return page.error();
  using List = std::vector<DossierSummary>;
  return impl_->Read<List>([&](SqliteConnection& db) -> Result<List> {
    Result<SqliteStatement*> stmt =
        db.Prepare(std::string("SELECT ") + kSummaryColumns +
                   " FROM dossiers AS d INDEXED BY dossiers_by_state_entry"
                   " WHERE d.procedure_code = ?1 AND d.state = ?2 AND d.state_entered_at <= ?3"
                   " AND (?5 IS NULL OR (d.state_entered_at, d.code) > (?5, ?6))"
                   " ORDER BY d.state_entered_at, d.code LIMIT ?4");
    if (!stmt.ok()) return stmt.error();
    StatementReset reset(*stmt);
    (*stmt)->BindText(1, query.procedure_code);
    (*stmt)->BindText(2, query.state);
    (*stmt)->BindInt(3, ToSeconds(query.entered_before));
    (*stmt)->BindInt(4, std::min(query.limit, kMaxPageSize));
    (*stmt)->BindOptionalInt(5, OptionalSeconds(query.after_entered));
    (*stmt)->BindOptionalText(6, query.after_code);
    return ReadSummaries(**stmt);
  });
}

Result<bool> SqliteStore::IsDocumentUploader(const std::string& id, const std::string& user_id) {
  return impl_->Read<bool>([&](SqliteConnection& db) -> Result<bool> {
    Result<SqliteStatement*> stmt =
        db.Prepare("SELECT 1 FROM document_uploads WHERE document_id = ?1 AND user_id = ?2");
    if (!stmt.ok()) return stmt.error();
    StatementReset reset(*stmt);
    (*stmt)->BindText(1, id);
    (*stmt)->BindText(2, user_id);
    return (*stmt)->Step();
  });
}

Result<std::vector<DossierSummary>> SqliteStore::ListDossiersReferencing(const std::string& id,
                                                                         int limit) {
  Status page = CheckPageSize(limit);
  if (!page.ok()) return page.error();
  using List = std::vector<DossierSummary>;
  return impl_->Read<List>([&](SqliteConnection& db) -> Result<List> {
    Result<SqliteStatement*> stmt =
        db.Prepare(std::string("SELECT ") + kSummaryColumns +
                   " FROM dossier_documents AS r JOIN dossiers AS d ON d.code = r.dossier_code"
                   " WHERE r.document_id = ?1 ORDER BY r.dossier_code LIMIT ?2");
    if (!stmt.ok()) return stmt.error();
    StatementReset reset(*stmt);
    (*stmt)->BindText(1, id);
    (*stmt)->BindInt(2, std::min(limit, kMaxPageSize));
    return ReadSummaries(**stmt);
  });
}

Status SqliteStore::PutDocument(const DocumentInfo& info, std::string_view bytes,
                                const std::string& uploaded_by, Instant at) {
  if (Status checked = CheckDocumentBytes(info, bytes); !checked.ok()) return checked;
  return impl_->Write([&](SqliteConnection& db) -> Status {
    return InsertDocument(db, info, bytes, uploaded_by, at);
  });
}

Result<DocumentInfo> SqliteStore::GetDocumentInfo(const std::string& id) {
  return impl_->Read<DocumentInfo>([&](SqliteConnection& db) -> Result<DocumentInfo> {
    Result<SqliteStatement*> stmt =
        db.Prepare("SELECT id, size, media_type FROM documents WHERE id = ?1");
    if (!stmt.ok()) return stmt.error();
    StatementReset reset(*stmt);
    (*stmt)->BindText(1, id);
    Result<bool> row = (*stmt)->Step();
    if (!row.ok()) return row.error();
    if (!*row) return Error(ErrorCode::kNotFound, "document " + id + " does not exist");
    return DocumentInfo{(*stmt)->ColumnText(0), (*stmt)->ColumnInt(1), (*stmt)->ColumnText(2)};
  });
}

Result<std::string> SqliteStore::GetDocumentBytes(const std::string& id) {
  return impl_->Read<std::string>([&](SqliteConnection& db) -> Result<std::string> {
    Result<SqliteStatement*> stmt = db.Prepare("SELECT bytes FROM documents WHERE id = ?1");
    if (!stmt.ok()) return stmt.error();
    StatementReset reset(*stmt);
    (*stmt)->BindText(1, id);
    Result<bool> row = (*stmt)->Step();
    if (!row.ok()) return row.error();
    if (!*row) return Error(ErrorCode::kNotFound, "document " + id + " does not exist");
    return (*stmt)->ColumnBlob(0);
  });
}

Result<std::optional<PaymentRecord>> SqliteStore::FindPayment(const std::string& transaction_id) {
  using Found = std::optional<PaymentRecord>;
  return impl_->Read<Found>([&](SqliteConnection& db) -> Result<Found> {
    Result<SqliteStatement*> stmt = db.Prepare(
        "SELECT dossier_code, channel, amount, recorded_at, recorded_by FROM payments "
        "WHERE transaction_id = ?1");
    if (!stmt.ok()) return stmt.error();
    StatementReset reset(*stmt);
    (*stmt)->BindText(1, transaction_id);
    Result<bool> found = (*stmt)->Step();
    if (!found.ok()) return found.error();
    if (!*found) return Found();
    const std::int64_t channel = (*stmt)->ColumnInt(1);
    if (channel < 1 || channel > 3)
      return Error(ErrorCode::kInternal, "payments.channel is corrupt");
    return Found(PaymentRecord{transaction_id, (*stmt)->ColumnText(0),
                               static_cast<Channel>(channel), (*stmt)->ColumnInt(2),
                               FromSeconds((*stmt)->ColumnInt(3)), (*stmt)->ColumnText(4)});
  });
}

Result<std::vector<AuditRecord>> SqliteStore::AuditTrail(const std::string& dossier_code) {
  using List = std::vector<AuditRecord>;
  return impl_->Read<List>([&](SqliteConnection& db) -> Result<List> {
    Result<SqliteStatement*> stmt = db.Prepare(std::string("SELECT ") + kEventColumns +
                                               " FROM events WHERE dossier_code = ?1 ORDER BY idx");
    if (!stmt.ok()) return stmt.error();
    StatementReset reset(*stmt);
    (*stmt)->BindText(1, dossier_code);
    List records;
    Status read = (*stmt)->ForEachRow([&](const SqliteStatement& row) -> Status {
      Result<AuditRecord> record = ReadEventRow(row);
      if (!record.ok()) return record.error();
      records.push_back(std::move(record).value());
      return Status();
    });
    if (!read.ok()) return read.error();
    if (records.empty()) {
      return Error(ErrorCode::kNotFound, "dossier " + dossier_code + " has no events");
    }
    return records;
  });
}

Result<std::vector<StoredOutboxEntry>> SqliteStore::ListOutbox(const OutboxQuery& query) {
  Status page = CheckFeedLimit(query.limit);
  if (!page.ok()) return page.error();
  using List = std::vector<StoredOutboxEntry>;
  return impl_->Read<List>([&](SqliteConnection& db) -> Result<List> {
    // Two statements so that each uses its index: the rowid, or (agency, id).
    Result<SqliteStatement*> stmt =
        query.agency ? db.Prepare(
                           "SELECT id, topic, agency, payload, created_at FROM outbox"
                           " WHERE agency = ?3 AND id > ?1 ORDER BY id LIMIT ?2")
                     : db.Prepare(
                           "SELECT id, topic, agency, payload, created_at FROM outbox"
                           " WHERE id > ?1 ORDER BY id LIMIT ?2");
    if (!stmt.ok()) return stmt.error();
    StatementReset reset(*stmt);
    (*stmt)->BindInt(1, query.after_sequence);
    (*stmt)->BindInt(2, query.limit);
    if (query.agency) (*stmt)->BindText(3, *query.agency);
    List entries;
    Status read = (*stmt)->ForEachRow([&](const SqliteStatement& row) -> Status {
      StoredOutboxEntry entry;
      entry.id = row.ColumnInt(0);
      entry.topic = row.ColumnText(1);
      entry.agency = row.ColumnText(2);
      Result<nlohmann::json> payload = DecodeJson(row.ColumnText(3), "outbox.payload");
      if (!payload.ok()) return payload.error();
      entry.payload = std::move(payload).value();
      entry.created_at = FromSeconds(row.ColumnInt(4));
      entries.push_back(std::move(entry));
      return Status();
    });
    if (!read.ok()) return read.error();
    return entries;
  });
}

Result<std::int64_t> SqliteStore::DeliveryCursor() {
  return impl_->Read<std::int64_t>([&](SqliteConnection& db) -> Result<std::int64_t> {
    Result<SqliteStatement*> stmt =
        db.Prepare("SELECT last_delivered_id FROM feed_delivery WHERE subscriber = ?1");
    if (!stmt.ok()) return stmt.error();
    StatementReset reset(*stmt);
    (*stmt)->BindText(1, kWebhookSubscriber);
    Result<bool> row = (*stmt)->Step();
    if (!row.ok()) return row.error();
    return *row ? (*stmt)->ColumnInt(0) : std::int64_t{0};
  });
}

namespace {

// Moves the subscriber's cursor forward to `entry_id` (never back).
Status AdvanceFeedCursor(SqliteConnection& db, std::int64_t entry_id, Instant at) {
  Result<SqliteStatement*> stmt = db.Prepare(
      "INSERT INTO feed_delivery (subscriber, last_delivered_id, updated_at) VALUES (?1, ?2, ?3)"
      " ON CONFLICT (subscriber) DO UPDATE SET last_delivered_id = excluded.last_delivered_id,"
      " updated_at = excluded.updated_at WHERE excluded.last_delivered_id > last_delivered_id");
  if (!stmt.ok()) return stmt.error();
  StatementReset reset(*stmt);
  (*stmt)->BindText(1, kWebhookSubscriber);
  (*stmt)->BindInt(2, entry_id);
  (*stmt)->BindInt(3, ToSeconds(at));
  return (*stmt)->Run();
}

}  // namespace

Status SqliteStore::RecordDelivered(std::int64_t entry_id, Instant at) {
  return impl_->Write(
      [&](SqliteConnection& db) -> Status { return AdvanceFeedCursor(db, entry_id, at); });
}

Status SqliteStore::RecordDeadLetter(const DeadLetter& letter) {
  return impl_->Write([&](SqliteConnection& db) -> Status {
    Result<SqliteStatement*> stmt = db.Prepare(
        "INSERT OR REPLACE INTO feed_dead_letters"
        " (subscriber, entry_id, attempts, last_error, failed_at) VALUES (?1, ?2, ?3, ?4, ?5)");
    if (!stmt.ok()) return stmt.error();
    {
      StatementReset reset(*stmt);
      (*stmt)->BindText(1, kWebhookSubscriber);
      (*stmt)->BindInt(2, letter.entry_id);
      (*stmt)->BindInt(3, letter.attempts);
      (*stmt)->BindText(4, letter.last_error);
      (*stmt)->BindInt(5, ToSeconds(letter.failed_at));
      Status inserted = (*stmt)->Run();
      if (!inserted.ok()) return inserted;
    }
    return AdvanceFeedCursor(db, letter.entry_id, letter.failed_at);
  });
}

Result<std::vector<DeadLetter>> SqliteStore::ListDeadLetters(
    const std::optional<std::string>& agency, int limit) {
  Status page = CheckFeedLimit(limit);
  if (!page.ok()) return page.error();
  using List = std::vector<DeadLetter>;
  return impl_->Read<List>([&](SqliteConnection& db) -> Result<List> {
    Result<SqliteStatement*> stmt = db.Prepare(
        "SELECT d.entry_id, COALESCE(o.topic, ''), COALESCE(o.agency, ''), d.attempts,"
        " d.last_error, d.failed_at FROM feed_dead_letters AS d"
        " LEFT JOIN outbox AS o ON o.id = d.entry_id"
        " WHERE d.subscriber = ?1 AND (?2 IS NULL OR o.agency = ?2)"
        " ORDER BY d.entry_id LIMIT ?3");
    if (!stmt.ok()) return stmt.error();
    StatementReset reset(*stmt);
    (*stmt)->BindText(1, kWebhookSubscriber);
    (*stmt)->BindOptionalText(2, agency);
    (*stmt)->BindInt(3, limit);
    List letters;
    Status read = (*stmt)->ForEachRow([&](const SqliteStatement& row) {
      DeadLetter letter;
      letter.entry_id = row.ColumnInt(0);
      letter.topic = row.ColumnText(1);
      letter.agency = row.ColumnText(2);
      letter.attempts = static_cast<int>(row.ColumnInt(3));
      letter.last_error = row.ColumnText(4);
      letter.failed_at = FromSeconds(row.ColumnInt(5));
      letters.push_back(std::move(letter));
    });
    if (!read.ok()) return read.error();
    return letters;
  });
}

Result<std::optional<IdempotencyRecord>> SqliteStore::ReserveIdempotencyKey(
    const std::string& user_id, const std::string& key, const std::string& fingerprint, Instant at,
    Instant expire_before) {
  std::optional<IdempotencyRecord> existing;
  Status written = impl_->Write([&](SqliteConnection& db) -> Status {
    existing.reset();
    Result<SqliteStatement*> purge = db.Prepare(
        "DELETE FROM idempotency_keys WHERE (user_id = ?1 AND key = ?2 AND created_at < ?3)"
        " OR rowid IN (SELECT rowid FROM idempotency_keys WHERE created_at < ?3 LIMIT 16)");
    if (!purge.ok()) return purge.error();
    {
      StatementReset reset(*purge);
      (*purge)->BindText(1, user_id);
      (*purge)->BindText(2, key);
      (*purge)->BindInt(3, ToSeconds(expire_before));
      Status purged = (*purge)->Run();
      if (!purged.ok()) return purged;
    }
    Result<SqliteStatement*> insert = db.Prepare(
        "INSERT OR IGNORE INTO idempotency_keys (user_id, key, fingerprint, response, created_at)"
        " VALUES (?1, ?2, ?3, NULL, ?4)");
    if (!insert.ok()) return insert.error();
    {
      StatementReset reset(*insert);
      (*insert)->BindText(1, user_id);
      (*insert)->BindText(2, key);
      (*insert)->BindText(3, fingerprint);
      (*insert)->BindInt(4, ToSeconds(at));
      Status inserted = (*insert)->Run();
      if (!inserted.ok()) return inserted;
    }
    if (sqlite3_changes(db.handle()) == 1) return Status();
    Result<SqliteStatement*> stmt = db.Prepare(
        "SELECT fingerprint, response, created_at FROM idempotency_keys"
        " WHERE user_id = ?1 AND key = ?2");
    if (!stmt.ok()) return stmt.error();
    StatementReset reset(*stmt);
    (*stmt)->BindText(1, user_id);
    (*stmt)->BindText(2, key);
    Result<bool> row = (*stmt)->Step();
    if (!row.ok()) return row.error();
    if (!*row) return Error(ErrorCode::kInternal, "idempotency key vanished during reservation");
    IdempotencyRecord record;
    record.fingerprint = (*stmt)->ColumnText(0);
    if (!(*stmt)->IsNull(1)) record.response = (*stmt)->ColumnText(1);
    record.created_at = FromSeconds((*stmt)->ColumnInt(2));
    existing = std::move(record);
    return Status();
  });
  if (!written.ok()) return written.error();
  return existing;
}

Status SqliteStore::CompleteIdempotencyKey(const std::string& user_id, const std::string& key,
                                           const std::string& response) {
  return impl_->Write([&](SqliteConnection& db) -> Status {
    Result<SqliteStatement*> stmt =
        db.Prepare("UPDATE idempotency_keys SET response = ?3 WHERE user_id = ?1 AND key = ?2");
    if (!stmt.ok()) return stmt.error();
    StatementReset reset(*stmt);
    (*stmt)->BindText(1, user_id);
    (*stmt)->BindText(2, key);
    (*stmt)->BindText(3, response);
    Status updated = (*stmt)->Run();
    if (!updated.ok()) return updated;
    if (sqlite3_changes(db.handle()) == 0) {
      return Error(ErrorCode::kNotFound, "idempotency key " + key + " is not reserved");
    }
    return Status();
  });
}

Status SqliteStore::AbandonIdempotencyKey(const std::string& user_id, const std::string& key) {
  return impl_->Write([&](SqliteConnection& db) -> Status {
    Result<SqliteStatement*> stmt = db.Prepare(
        "DELETE FROM idempotency_keys WHERE user_id = ?1 AND key = ?2 AND response IS NULL");
    if (!stmt.ok()) return stmt.error();
    StatementReset reset(*stmt);
    (*stmt)->BindText(1, user_id);
    (*stmt)->BindText(2, key);
    return (*stmt)->Run();
  });
}

Result<std::vector<QueueDepth>> SqliteStore::QueueDepths() {
  using List = std::vector<QueueDepth>;
  return impl_->Read<List>([&](SqliteConnection& db) -> Result<List> {
    Result<SqliteStatement*> stmt =
        db.Prepare("SELECT role, agency, COUNT(*) FROM queue_entries GROUP BY role, agency");
    if (!stmt.ok()) return stmt.error();
    StatementReset reset(*stmt);
    List depths;
    Status read = (*stmt)->ForEachRow([&](const SqliteStatement& row) {
      depths.push_back({row.ColumnText(0), row.ColumnText(1), row.ColumnInt(2)});
    });
    if (!read.ok()) return read.error();
    return depths;
  });
}

}  // namespace motcua
