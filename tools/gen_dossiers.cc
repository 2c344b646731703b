// gen_dossiers: fills a database with realistic dossiers for load and query
// benchmarks, through the public SqliteStore API only (no SQL of its own).
//
// Usage: gen_dossiers --db PATH --count N [--seed S] [--threads T] [--batch B]
//                     [--step-by-step] [--synchronous normal|full]
//                     [--workflows DIR]
//
// What it writes:
//  - the bundled workflows (workflows/*.json, linted) via PublishDefinition,
//    and a pool of 256 sample PDF-like documents via PutDocument, which the
//    dossiers reference by SHA-256 id;
//  - N dossiers over the bundled procedures (but those that fork into other
//    agencies' branches, which are published without dossiers), 30 agencies
//    (000.DD.UU.H26) and about N/3 applicants (12-digit citizen IDs: province,
//    century/sex, birth year, serial), submitted uniformly over the last 12
//    months, each with a code from NextDossierSequence, then CreateDossier
//    and CommitTransition.
//
// Every dossier is run through the real StateMachine of its workflow, with a
// per-thread clock set to the simulated instant of each step, so clock
// effects (due dates on the working calendar, pauses, extensions), payload
// requirements, four-eyes rules and the queue roles are exactly what the
// engine would have produced. A dossier walks its workflow by weighted
// choices (mostly the happy path; some supplements, refusals, withdrawals,
// extensions) with delays drawn per step (staff work in working minutes,
// applicants in wall-clock time, a few forgotten dossiers, applicants who
// never answer and are stopped by the workflow's timer). A walk stops when
// the next step would happen after now, so old dossiers are finished and
// recent ones sit in the queues; about half of those waiting for staff are
// claimed (assigned). Everything but the daily sequence numbers is a pure
// function of (seed, dossier index).
//
// Writes per dossier. By default the walk runs in memory and the store gets
// NextDossierSequence (a write on stores that commit numbers on their own,
// not on SQLite), CreateDossier of the dossier as it was
// before its last step (with its whole history, so the audit chain holds
// every event), and CommitTransition of the last step (plus a claim where
// assigned). The stored rows are the same as step by step, except that the
// outbox holds only the creation's and the last step's status changes. Every
// write carries the dossier's report facts and national sync payloads, as
// DossierService writes them. --step-by-step commits
// every step instead, as live traffic would (about 7 writes per dossier and
// roughly 2x slower: the store's single writer thread is the bottleneck).
//
// Writes come from --threads callers at once (default 128) so that the
// store's group-commit writer fills large batches (512 callers did better up
// to 100k dossiers, slightly worse at 1M, where the writer is I/O bound). The
// store runs with synchronous=NORMAL by default (WAL: durable against a crash
// of the process, not of the machine), which is what a bulk load wants.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "engine/crypto/sha256.h"
#include "engine/domain/calendar.h"
#include "engine/domain/clock.h"
#include "engine/domain/dossier.h"
#include "engine/domain/dossier_code.h"
#include "engine/domain/json_schema.h"
#include "engine/domain/national_sync.h"
#include "engine/domain/report_facts.h"
#include "engine/domain/rfc3339.h"
#include "engine/domain/state_machine.h"
#include "engine/domain/store.h"
#include "engine/domain/workflow.h"
#include "engine/domain/workflow_lint.h"
#include "engine/sqlite/sqlite_store.h"

#ifndef MOTCUA_SOURCE_DIR
#define MOTCUA_SOURCE_DIR "."
#endif

namespace motcua {
namespace {

using json = nlohmann::json;
using SteadyClock = std::chrono::steady_clock;

// ---------------------------------------------------------------------------
// Randomness: SplitMix64, seeded per dossier so that results do not depend on
// which thread generated what.

std::uint64_t Mix(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(Mix(seed)) {}
  Rng(std::uint64_t seed, std::uint64_t stream, std::uint64_t index)
      : state_(Mix(Mix(seed ^ Mix(stream)) + index)) {}

  std::uint64_t Next() {
    state_ += 0x9E3779B97F4A7C15ULL;
    std::uint64_t z = state_;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  std::uint64_t Below(std::uint64_t n) { return n == 0 ? 0 : Next() % n; }
  std::size_t Index(std::size_t n) { return static_cast<std::size_t>(Below(n)); }
  int Between(int lo, int hi) {  // inclusive
    return lo + static_cast<int>(Below(static_cast<std::uint64_t>(hi - lo + 1)));
  }
  bool Chance(double p) { return Uniform() < p; }
  double Exponential(double mean) { return -mean * std::log1p(-Uniform()); }
  template <typename T, std::size_t N>
  const T& Pick(const T (&items)[N]) {
    return items[Index(N)];
  }
  // Index drawn with probability proportional to weights[i].
  std::size_t Weighted(const std::vector<double>& weights) {
    double total = 0;
    for (double w : weights) total += w;
    double x = Uniform() * total;
    for (std::size_t i = 0; i < weights.size(); ++i) {
      if (x < weights[i]) return i;
      x -= weights[i];
    }
    return weights.empty() ? 0 : weights.size() - 1;
  }
  std::string Hex(std::size_t chars) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    while (out.size() < chars) out += kDigits[Below(16)];
    return out;
  }
  std::string Digits(std::size_t count) {
    std::string out;
    while (out.size() < count) out += static_cast<char>('0' + Below(10));
    return out;
  }

 private:
  std::uint64_t state_;
};

// ---------------------------------------------------------------------------
// Simulated time: each worker thread sets the instant of the step it is about
// to take; the state machines read it through this clock.

thread_local Instant tls_now{};

class ThreadClock final : public Clock {
 public:
  Instant Now() const override { return tls_now; }
};

LocalDate AddDays(LocalDate date, int days) {
  return LocalDate(std::chrono::sys_days(date) + std::chrono::days(days));
}

// ---------------------------------------------------------------------------
// Reference data.

// Province codes of Vietnamese citizen IDs (the 63 provinces before the 2025
// merger, as printed on cards issued until then).
constexpr const char* kProvinceCodes[] = {
    "001", "002", "004", "006", "008", "010", "011", "012", "014", "015", "017", "019", "020",
    "022", "024", "025", "026", "027", "030", "031", "033", "034", "035", "036", "037", "038",
    "040", "042", "044", "045", "046", "048", "049", "051", "052", "054", "056", "058", "060",
    "062", "064", "066", "067", "068", "070", "072", "074", "075", "077", "079", "080", "082",
    "083", "084", "086", "087", "089", "091", "092", "093", "094", "095", "096"};

constexpr const char* kPlaces[] = {
    "Hà Nội",     "Hải Phòng",       "Nam Định", "Thái Bình",   "Hưng Yên", "Hải Dương",
    "Bắc Ninh",   "Vĩnh Phúc",       "Phú Thọ",  "Thanh Hóa",   "Nghệ An",  "Hà Tĩnh",
    "Quảng Ninh", "Ninh Bình",       "Hòa Bình", "Thái Nguyên", "Lạng Sơn", "Đà Nẵng",
    "Huế",        "TP. Hồ Chí Minh", "Cần Thơ",  "Lào Cai"};

struct WeightedName {
  const char* name;
  double weight;
};

constexpr WeightedName kFamilyNames[] = {
    {"Nguyễn", 38}, {"Trần", 11},  {"Lê", 9.5},   {"Phạm", 7},    {"Hoàng", 5.1}, {"Phan", 4.5},
    {"Vũ", 3.9},    {"Đặng", 2.1}, {"Bùi", 2},    {"Đỗ", 1.4},    {"Hồ", 1.3},    {"Ngô", 1.3},
    {"Dương", 1},   {"Lý", 0.5},   {"Đinh", 0.8}, {"Trịnh", 0.6}, {"Đào", 0.6},   {"Mai", 0.5}};

constexpr const char* kMaleMiddle[] = {"Văn",  "Đức",   "Minh", "Quang", "Hữu",
                                       "Công", "Thành", "Xuân", "Mạnh",  "Tuấn"};
constexpr const char* kFemaleMiddle[] = {"Thị",   "Thị",  "Thị",  "Ngọc",   "Thu",
                                         "Thanh", "Minh", "Hồng", "Phương", "Khánh"};
constexpr const char* kMaleGiven[] = {"Anh",   "Bình",  "Cường", "Dũng",  "Đạt",  "Hải",
                                      "Hiếu",  "Hùng",  "Huy",   "Khang", "Khoa", "Long",
                                      "Minh",  "Nam",   "Phong", "Phúc",  "Quân", "Sơn",
                                      "Thắng", "Trung", "Tú",    "Tuấn",  "Việt", "Vinh"};
constexpr const char* kFemaleGiven[] = {
    "Anh",   "Chi",    "Dung",  "Giang", "Hà",    "Hạnh", "Hằng", "Hoa",  "Hương",
    "Huyền", "Lan",    "Linh",  "Loan",  "Mai",   "My",   "Nga",  "Ngân", "Nhung",
    "Oanh",  "Phương", "Quỳnh", "Thảo",  "Trang", "Vân",  "Yến"};
constexpr const char* kStreets[] = {
    "phố Tràng Tiền",        "phố Hàng Bài",        "phố Huế",
    "đường Kim Mã",          "đường Láng Hạ",       "đường Nguyễn Trãi",
    "đường Giải Phóng",      "đường Xuân Thủy",     "đường Cầu Giấy",
    "đường Hoàng Quốc Việt", "đường Lạc Long Quân", "đường Trần Duy Hưng",
    "phố Minh Khai",         "phố Bạch Mai",        "đường Lê Duẩn",
    "phố Đội Cấn",           "đường Nguyễn Văn Cừ", "phố Tây Sơn"};
constexpr const char* kWards[] = {
    "phường Hoàn Kiếm",    "phường Ba Đình", "phường Cầu Giấy",   "phường Đống Đa",
    "phường Hai Bà Trưng", "phường Tây Hồ",  "phường Thanh Xuân", "phường Hoàng Mai",
    "phường Long Biên",    "phường Hà Đông", "phường Bạch Mai",   "phường Văn Miếu - Quốc Tử Giám"};
constexpr const char* kPhonePrefixes[] = {"03", "05", "07", "08", "09"};
constexpr const char* kEthnicities[] = {"Tày", "Thái", "Mường", "Khmer", "Hoa", "Nùng", "H'Mông"};
constexpr const char* kReasons[] = {"Đi làm việc tại địa phương khác",
                                    "Đi học",
                                    "Thăm người thân",
                                    "Điều trị bệnh",
                                    "Đi công tác dài ngày",
                                    "Xin việc làm",
                                    "Bổ sung hồ sơ xin việc",
                                    "Làm thủ tục xuất cảnh",
                                    "Theo yêu cầu của cơ quan"};
constexpr const char* kRelationships[] = {"Con", "Vợ", "Chồng", "Cháu", "Bố", "Mẹ", "Anh", "Em"};

std::string PersonName(Rng& rng, bool male) {
  static const std::vector<double> weights = [] {
    std::vector<double> w;
    for (const WeightedName& n : kFamilyNames) w.push_back(n.weight);
    return w;
  }();
  std::string name = kFamilyNames[rng.Weighted(weights)].name;
  name += ' ';
  name += male ? rng.Pick(kMaleMiddle) : rng.Pick(kFemaleMiddle);
  name += ' ';
  name += male ? rng.Pick(kMaleGiven) : rng.Pick(kFemaleGiven);
  return name;
}

std::string Address(Rng& rng) {
  std::string text = std::to_string(rng.Between(1, 250));
  if (rng.Chance(0.4)) text = "số " + text + " ngõ " + std::to_string(rng.Between(2, 180));
  return text + " " + rng.Pick(kStreets) + ", " + rng.Pick(kWards) + ", Hà Nội";
}

std::string Phone(Rng& rng) {
  return std::string(rng.Pick(kPhonePrefixes)) + rng.Digits(8);
}

struct Person {
  std::string id;  // 12-digit citizen ID
  std::string name;
  bool male = true;
  LocalDate birth;
  std::string phone;
  std::string address;
  std::size_t home_agency = 0;
};

// A citizen ID: province (3), century and sex (1: 0/1 male/female born in the
// 1900s, 2/3 in the 2000s), year of birth (2), serial (6).
std::string CitizenId(Rng& rng, bool male, int year, std::uint64_t serial) {
  const char* province = rng.Chance(0.45) ? "001" : rng.Pick(kProvinceCodes);
  const int century = (year >= 2000 ? 2 : 0) + (male ? 0 : 1);
  char text[16];
  std::snprintf(text, sizeof text, "%s%d%02d%06llu", province, century, year % 100,
                static_cast<unsigned long long>(serial % 1000000));
  return text;
}

// Applicant number `index`, the same every time it is drawn.
Person MakeApplicant(std::uint64_t seed, std::uint64_t index, std::size_t agencies) {
  Rng rng(seed, 0xA991, index);
  Person p;
  p.male = rng.Chance(0.48);
  const int year = rng.Between(1950, 2007);
  p.birth = LocalDate(std::chrono::year(year),
                      std::chrono::month(static_cast<unsigned>(rng.Between(1, 12))),
                      std::chrono::day(static_cast<unsigned>(rng.Between(1, 28))));
  // A bijection of [0, 10^6) keeps serials distinct within a prefix.
  p.id = CitizenId(rng, p.male, year, (index * 738917ULL + 104729ULL) % 1000000ULL);
  p.name = PersonName(rng, p.male);
  p.phone = Phone(rng);
  p.address = Address(rng);
  p.home_agency = rng.Index(agencies);
  return p;
}

// Someone else named in a form (parents, spouse): not an applicant.
Person MakeOther(Rng& rng, bool male, int min_year, int max_year) {
  Person p;
  p.male = male;
  const int year = rng.Between(min_year, max_year);
  p.birth = LocalDate(std::chrono::year(year),
                      std::chrono::month(static_cast<unsigned>(rng.Between(1, 12))),
                      std::chrono::day(static_cast<unsigned>(rng.Between(1, 28))));
  p.id = CitizenId(rng, male, year, rng.Below(1000000));
  p.name = PersonName(rng, male);
  return p;
}

// ---------------------------------------------------------------------------
// Procedures and forms.

struct ProcedureModel {
  std::string code;
  std::int64_t version = 0;
  Workflow workflow;
  std::optional<StateMachine> machine;
  double weight = 10;
};

// Relative volumes: temporary residence and births dominate at ward level.
double ProcedureWeight(const std::string& code) {
  static const std::map<std::string, double> weights = {
      {"1.004194", 22},     {"1.004222", 12},    {"HT-KHAISINH", 14}, {"1.001471", 14},
      {"LLTP-CONGDAN", 12}, {"HT-TRICHLUC", 12}, {"1.003677", 8},     {"HT-KETHON", 6}};
  auto it = weights.find(code);
  return it == weights.end() ? 10 : it->second;
}

// A string matching `pattern` when it is one character class repeated, as
// "^[A-Z0-9]{5,30}$" or "^[0-9]{10}$" (ranges and single characters in the
// class); nullopt for any other pattern.
std::optional<std::string> FromRepeatedClass(const std::string& pattern, Rng& rng) {
  if (pattern.size() < 7 || pattern.rfind("^[", 0) != 0 || pattern.back() != '$') {
    return std::nullopt;
  }
  const std::size_t close = pattern.find(']');
  if (close == std::string::npos || close + 1 >= pattern.size() || pattern[close + 1] != '{') {
    return std::nullopt;
  }
  std::string alphabet;
  for (std::size_t i = 2; i < close; ++i) {
    if (i + 2 < close && pattern[i + 1] == '-') {
      for (char c = pattern[i]; c <= pattern[i + 2]; ++c) alphabet += c;
      i += 2;
    } else {
      alphabet += pattern[i];
    }
  }
  const std::size_t brace_end = pattern.find('}', close);
  if (alphabet.empty() || brace_end != pattern.size() - 2) return std::nullopt;
  const std::string counts = pattern.substr(close + 2, brace_end - close - 2);
  const std::size_t comma = counts.find(',');
  int lo = 0;
  int hi = 0;
  try {
    lo = std::stoi(counts.substr(0, comma));
    hi = comma == std::string::npos ? lo : std::stoi(counts.substr(comma + 1));
  } catch (const std::exception&) {
    return std::nullopt;
  }
  if (lo < 0 || hi < lo || hi > 1000) return std::nullopt;
  std::string value;
  const int length = rng.Between(lo, std::min(hi, lo + 8));
  for (int i = 0; i < length; ++i) value += alphabet[rng.Index(alphabet.size())];
  return value;
}

// A form value for property `key` of the procedure's form schema.
json FormValue(const std::string& key, const json& property, const Person& applicant,
               std::map<std::string, Person>& others, LocalDate today, Rng& rng) {
  if (property.contains("enum")) {
    const json& options = property.at("enum");
    if (key == "sex") return applicant.male ? "male" : "female";
    return options.at(rng.Index(options.size()));
  }
  const std::string type = property.value("type", "string");
  if (type == "integer") {
    const int lo = property.value("minimum", 1);
    const int hi = std::min(property.value("maximum", 10), lo + 4);
    return rng.Between(lo, hi);
  }
  if (type == "boolean") return rng.Chance(0.5);
  // People named by a prefix ("groom_", "bride_", "mother_", ...): the applicant
  // when the role fits, else someone generated once per form.
  auto person = [&](const std::string& prefix) -> const Person& {
    const bool male = prefix == "groom" || prefix == "father";
    const bool adult = prefix != "child";
    if ((prefix == "groom" && applicant.male) || (prefix == "bride" && !applicant.male)) {
      return applicant;
    }
    auto it = others.find(prefix);
    if (it == others.end()) {
      Person p =
          adult ? MakeOther(rng, male, 1960, 2004) : MakeOther(rng, rng.Chance(0.51), 2020, 2020);
      it = others.emplace(prefix, std::move(p)).first;
    }
    return it->second;
  };
  const std::size_t underscore = key.find('_');
  const std::string prefix = underscore == std::string::npos ? "" : key.substr(0, underscore);
  const bool prefixed = prefix == "groom" || prefix == "bride" || prefix == "mother" ||
                        prefix == "father" || prefix == "child";
  const std::string pattern = property.value("pattern", "");
  if (pattern == "^[0-9]{12}$") {
    if (prefixed) return person(prefix).id;
    if (key == "citizen_id" || key == "requester_citizen_id") return applicant.id;
    return MakeOther(rng, rng.Chance(0.5), 1950, 1990).id;
  }
  if (pattern == "^0[0-9]{9}$") return applicant.phone;
  if (!pattern.empty()) {
    // Other patterned fields (frame numbers, insurance codes): a repeated
    // character class is generated, anything else takes the schema's example.
    if (std::optional<std::string> value = FromRepeatedClass(pattern, rng)) return *value;
    if (property.contains("examples") && !property.at("examples").empty()) {
      return property.at("examples").at(0);
    }
  }
  if (property.value("format", "") == "email") {
    return "nguoidan" + std::to_string(rng.Below(1000000)) + "@example.vn";
  }
  if (property.value("format", "") == "date") {
    if (key == "child_date_of_birth") return FormatRfc3339Date(AddDays(today, -rng.Between(1, 55)));
    if (prefixed && key.find("date_of_birth") != std::string::npos) {
      return FormatRfc3339Date(person(prefix).birth);
    }
    if (key == "date_of_birth") return FormatRfc3339Date(applicant.birth);
    if (key == "absent_from" || key == "registration_date_wish") {
      return FormatRfc3339Date(AddDays(today, 3 + rng.Between(0, 10)));
    }
    if (key == "absent_until" || key == "stay_until") {
      return FormatRfc3339Date(AddDays(today, 30 + rng.Between(30, 700)));
    }
    return FormatRfc3339Date(AddDays(today, -rng.Between(200, 12000)));  // a past registration
  }
  if (key.find("name") != std::string::npos) {
    if (key == "full_name") return applicant.name;
    if (key == "mother_name") return person("mother").name;
    if (key == "father_name") return person("father").name;
    if (prefixed) return person(prefix).name;
    return PersonName(rng, rng.Chance(0.5));
  }
  if (key.find("address") != std::string::npos) {
    return key == "address" || key == "delivery_address" ? applicant.address : Address(rng);
  }
  if (key == "place_of_birth") return std::string("Bệnh viện Phụ sản ") + rng.Pick(kPlaces);
  if (key == "destination") return std::string(rng.Pick(kWards)) + ", " + rng.Pick(kPlaces);
  if (key == "ethnicity") return rng.Chance(0.86) ? std::string("Kinh") : rng.Pick(kEthnicities);
  if (key == "reason" || key == "purpose") return rng.Pick(kReasons);
  if (key == "relationship") return rng.Pick(kRelationships);
  if (key == "registration_number") {
    return std::to_string(rng.Between(1, 999)) + "/" + std::to_string(rng.Between(1990, 2025));
  }
  return "Thông tin bổ sung";
}

json MakeForm(const Workflow& workflow, const Person& applicant, LocalDate today, Rng& rng) {
  const json& schema = workflow.procedure.form_schema;
  std::vector<std::string> required;
  if (schema.contains("required")) required = schema.at("required").get<std::vector<std::string>>();
  json form = json::object();
  std::map<std::string, Person> others;
  if (!schema.contains("properties")) return form;
  for (const auto& [key, property] : schema.at("properties").items()) {
    const bool needed = std::find(required.begin(), required.end(), key) != required.end();
    if (!needed && !rng.Chance(0.55)) continue;
    form[key] = FormValue(key, property, applicant, others, today, rng);
  }
  return form;
}

// ---------------------------------------------------------------------------
// Agencies, staff, documents.

struct Agency {
  std::string id;
  double weight = 1;
};

std::vector<Agency> MakeAgencies(std::uint64_t seed) {
  Rng rng(seed, 0xA6E, 0);
  std::vector<Agency> agencies;
  for (int i = 0; i < 30; ++i) {
    char id[32];
    std::snprintf(id, sizeof id, "000.%02d.%02d.H26", i / 10, i % 10 + 1);
    // Busy urban wards next to quiet ones.
    agencies.push_back({id, 0.3 + 2.0 * rng.Uniform() * rng.Uniform()});
  }
  return agencies;
}

int StaffPerRole(const std::string& role) {
  if (role == "leader") return 2;
  if (role == "reception_clerk") return 4;
  if (role == "specialist") return 6;
  return 3;
}

Actor StaffActor(const std::string& role, const std::string& agency, Rng& rng) {
  const int n = rng.Between(1, StaffPerRole(role));
  return Actor{role + std::to_string(n) + "@" + agency, {role}, agency};
}

Actor ApplicantActor(const Person& person) {
  return Actor{person.id, {kApplicantRole}, ""};
}

Actor SystemActor() {
  return Actor{"system", {kSystemRole}, ""};
}

struct DocumentPool {
  std::vector<std::string> attachments;  // applicants' papers
  std::vector<std::string> results;      // results issued by agencies
};

std::string SampleDocument(const char* kind, int number, Rng& rng) {
  std::string bytes = "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n";
  bytes += std::string("% motcua sample ") + kind + " " + std::to_string(number) + "\n";
  const int lines = rng.Between(20, 120);
  for (int i = 0; i < lines; ++i) bytes += "% " + rng.Hex(60) + "\n";
  bytes += "%%EOF\n";
  return bytes;
}

Result<DocumentPool> PutDocuments(SqliteStore& store, std::uint64_t seed, Instant at) {
  Rng rng(seed, 0xD0C, 0);
  DocumentPool pool;
  for (int i = 0; i < 256; ++i) {
    const bool result = i >= 192;
    const std::string bytes = SampleDocument(result ? "result" : "attachment", i, rng);
    DocumentInfo info{Sha256Hex(bytes), static_cast<std::int64_t>(bytes.size()), "application/pdf"};
    Status put = store.PutDocument(info, bytes, "gen_dossiers", at);
    if (!put.ok()) return put.error();
    (result ? pool.results : pool.attachments).push_back(info.id);
  }
  return pool;
}

// ---------------------------------------------------------------------------
// The walk through a workflow.

// How likely each action is from a state, relative to the others allowed
// there. Unlisted actions weigh 1.
double ActionWeight(const std::string& state, const std::string& action) {
  static const std::map<std::string, double> weights = {
      {"submitted/receive", 86},
      {"submitted/request_supplement_at_reception", 8},
      {"submitted/refuse_reception", 2},
      {"submitted/withdraw", 1},
      {"supplement_at_reception/resubmit", 80},
      {"supplement_at_reception/refuse_reception", 8},
      {"supplement_at_reception/withdraw", 6},
      {"awaiting_fee/pay_fee", 95},
      {"awaiting_fee/withdraw", 2},
      {"awaiting_fee/stop_processing", 1},
      {"in_review/propose_result", 82},
      {"in_review/request_supplement", 9},
      {"in_review/extend_deadline", 3},
      {"in_review/refuse", 2},
      {"in_review/withdraw", 1},
      {"supplement_requested/submit_supplement", 88},
      {"supplement_requested/withdraw", 4},
      {"supplement_requested/stop_processing", 4},
      {"awaiting_signature/sign_result", 88},
      {"awaiting_signature/send_back", 6},
      {"awaiting_signature/refuse", 2},
      {"awaiting_signature/extend_deadline", 3},
  };
  auto it = weights.find(state + "/" + action);
  return it == weights.end() ? 1 : it->second;
}

const char* CommentFor(const std::string& action, Rng& rng) {
  static const std::map<std::string, std::vector<const char*>> comments = {
      {"receive", {"Tiếp nhận hồ sơ", "Hồ sơ đầy đủ, tiếp nhận"}},
      {"request_supplement_at_reception",
       {"Thiếu tờ khai có chữ ký, đề nghị bổ sung", "Ảnh chụp giấy tờ không rõ, đề nghị tải lại"}},
      {"refuse_reception",
       {"Hồ sơ không thuộc thẩm quyền giải quyết", "Không bổ sung đủ giấy tờ theo hướng dẫn"}},
      {"request_supplement",
       {"Đề nghị bổ sung giấy tờ chứng minh chỗ ở hợp pháp",
        "Thông tin trên tờ khai chưa khớp với CSDL quốc gia về dân cư"}},
      {"extend_deadline", {"Cần xác minh thêm thông tin, xin lỗi và hẹn lại ngày trả kết quả"}},
      {"propose_result", {"Hồ sơ đủ điều kiện, trình lãnh đạo ký", "Đề xuất cấp theo quy định"}},
      {"send_back", {"Đề nghị kiểm tra lại thông tin", "Rà soát lại căn cứ pháp lý"}},
      {"refuse", {"Không đủ điều kiện theo quy định", "Kết quả xác minh không phù hợp"}},
      {"withdraw", {"Công dân xin rút hồ sơ", "Không còn nhu cầu"}},
      {"stop_processing", {"Quá hạn bổ sung hồ sơ, dừng xử lý", "Quá hạn nộp phí, dừng xử lý"}},
      {"sign_result", {"Đồng ý"}},
      {"return_result", {"Đã trả kết quả"}},
  };
  auto it = comments.find(action);
  if (it == comments.end()) return "Đã xử lý";
  return it->second[rng.Index(it->second.size())];
}

// Everything a worker needs, shared read-only (except the store and counters).
struct Context {
  SqliteStore* store = nullptr;
  const WorkingCalendar* calendar = nullptr;
  std::vector<std::unique_ptr<ProcedureModel>> procedures;
  std::vector<double> procedure_weights;
  std::vector<std::string> not_generated;  // published procedures that get no dossiers
  std::vector<Agency> agencies;
  std::vector<double> agency_weights;
  DocumentPool documents;
  std::uint64_t seed = 1;
  std::int64_t count = 0;
  bool step_by_step = false;
  std::uint64_t applicants = 1;
  Instant window_start;
  Instant now;

  std::atomic<std::int64_t> next_index{0};
  std::atomic<std::int64_t> done{0};
  std::atomic<std::int64_t> transitions{0};
  std::atomic<std::int64_t> writes{0};
  std::atomic<std::int64_t> failures{0};
  std::vector<std::atomic<std::uint8_t>> applicant_used;

  std::mutex stats_mutex;
  std::map<std::string, std::int64_t> final_states;  // "state" -> dossiers
  std::int64_t assigned = 0;
  std::int64_t finished = 0;
  std::vector<std::string> first_errors;

  void Fail(const std::string& what) {
    failures.fetch_add(1, std::memory_order_relaxed);
    std::lock_guard lock(stats_mutex);
    if (first_errors.size() < 10) first_errors.push_back(what);
  }
};

std::string Describe(const Error& error) {
  std::string text = std::string(ErrorCodeName(error.code())) + ": " + error.message();
  for (const FieldError& f : error.fields()) text += " [" + f.pointer + ": " + f.message + "]";
  return text;
}

std::vector<std::string> StaffRoles(const State& state) {
  std::vector<std::string> roles;
  for (const std::string& r : state.queue_roles) {
    if (r != kApplicantRole && r != kSystemRole) roles.push_back(r);
  }
  return roles;
}

// One step chosen for a dossier: who does what, with which payload, when.
struct Step {
  const Action* action = nullptr;
  Actor actor;
  json payload = json::object();
  std::optional<SignatureEvidence> signature;
  Instant at;
  bool never = false;  // the actor never gets to it
};

// Delay of a staff action from `state`, in working minutes.
double StaffMinutes(const ProcedureModel& model, const std::string& state,
                    std::int64_t minutes_per_day, Rng& rng) {
  const Deadline& deadline = model.workflow.procedure.deadline;
  const double budget = deadline.same_day
                            ? static_cast<double>(minutes_per_day) * 0.5
                            : static_cast<double>(deadline.working_days * minutes_per_day);
  double mean = 240;
  if (state == "submitted") mean = deadline.same_day ? 60 : 180;
  if (state == "in_review") mean = std::max(45.0, 0.45 * budget);
  if (state == "awaiting_signature") mean = std::max(30.0, 0.12 * budget);
  if (state == "result_ready") mean = 1.5 * static_cast<double>(minutes_per_day);
  double minutes = rng.Exponential(mean);
  if (rng.Chance(0.05)) minutes *= 6 + 30 * rng.Uniform();  // forgotten on someone's desk
  return minutes;
}

// Delay of an applicant's action, in seconds of wall-clock time.
double ApplicantSeconds(const std::string& action, Rng& rng) {
  double days = 2;
  if (action == "pay_fee") days = 0.4;
  if (action == "resubmit") days = 1.5;
  if (action == "submit_supplement") days = 3.5;
  if (action == "withdraw") days = 4;
  return rng.Exponential(days * 86400.0) + 60;
}

// `last` is the instant of the dossier's latest event; the step comes after it.
Step ChooseStep(const Context& ctx, const ProcedureModel& model, const Dossier& dossier,
                const Person& applicant, Instant last, Rng& rng) {
  const Workflow& wf = model.workflow;
  const State* state = wf.FindState(dossier.state);
  std::vector<const Action*> actions;
  std::vector<double> weights;
  for (const Action& action : wf.actions) {
    if (!action.AllowedFrom(dossier.state)) continue;
    actions.push_back(&action);
    weights.push_back(ActionWeight(dossier.state, action.name));
  }
  Step step;
  if (actions.empty()) {
    step.never = true;
    return step;
  }
  step.action = actions[rng.Weighted(weights)];
  const Action& action = *step.action;
  const std::string& agency = state->agency ? *state->agency : dossier.agency;

  // Who acts.
  std::string staff_role;
  for (const std::string& r : action.roles) {
    if (r != kApplicantRole && r != kSystemRole) {
      staff_role = r;
      break;
    }
  }
  const bool applicant_may = action.AllowsRole(kApplicantRole);
  bool by_applicant = false;
  if (applicant_may && staff_role.empty()) {
    by_applicant = true;
  } else if (applicant_may && action.step != ApplicantStep::kNone) {
    by_applicant = rng.Chance(action.name == "pay_fee" ? 0.8 : 0.7);
  }
  if (by_applicant) {
    step.actor = ApplicantActor(applicant);
  } else if (action.name == "return_result" && action.AllowsRole(kSystemRole) && rng.Chance(0.35)) {
    step.actor = SystemActor();  // delivered by post / to the citizen's e-wallet
    step.payload["channel"] = rng.Chance(0.5) ? "post" : "online";
  } else if (!staff_role.empty()) {
    step.actor = StaffActor(staff_role, agency, rng);
  } else {
    step.actor = SystemActor();
  }

  // When.
  const std::int64_t minutes_per_day = ctx.calendar->WorkingMinutesPerDay();
  if (by_applicant) {
    if (action.name != "withdraw" && rng.Chance(0.04)) step.never = true;  // gives up
    step.at =
        last + std::chrono::seconds(static_cast<std::int64_t>(ApplicantSeconds(action.name, rng)));
  } else {
    const double minutes = StaffMinutes(model, dossier.state, minutes_per_day, rng);
    step.at = ctx.calendar->AddWorkingMinutes(last, static_cast<std::int64_t>(minutes) + 1) +
              std::chrono::seconds(rng.Between(0, 59));
  }

  // What.
  const Requirements& needs = action.requirements;
  if (needs.comment || rng.Chance(0.25)) step.payload["comment"] = CommentFor(action.name, rng);
  for (const std::string& key : needs.documents) {
    step.payload["documents"][key] =
        ctx.documents.attachments[rng.Index(ctx.documents.attachments.size())];
  }
  if ((action.name == "resubmit" || action.name == "submit_supplement") &&
      !wf.procedure.documents.empty()) {
    const RequiredDocument& doc = wf.procedure.documents[rng.Index(wf.procedure.documents.size())];
    step.payload["documents"][doc.key] =
        ctx.documents.attachments[rng.Index(ctx.documents.attachments.size())];
  }
  if (needs.result_document) {
    step.payload["result_document"] =
        ctx.documents.results[rng.Index(ctx.documents.results.size())];
  }
  if (needs.appointment_date) {
    const Instant base = dossier.clock.due_at.value_or(step.at);
    const Instant due =
        ctx.calendar->EndOfDay(ctx.calendar->LocalDateOf(ctx.calendar->AddWorkingMinutes(
            std::max(base, step.at), rng.Between(2, 8) * minutes_per_day)));
    step.payload["appointment_date"] = FormatRfc3339DateTime(due, ctx.calendar->utc_offset());
  }
  // Synthetic evidence: these dossiers carry no real CMS bytes, so their
  // signatures have no signature_id and list as "signature_missing".
  if ((needs.result_signature || needs.agency_seal) && dossier.result_document) {
    SignatureEvidence evidence;
    evidence.document_id = *dossier.result_document;
    evidence.signer_subject = needs.agency_seal
                                  ? "CN=" + agency + " seal, O=" + agency
                                  : "CN=" + PersonName(rng, rng.Chance(0.6)) + ", O=" + agency;
    evidence.serial = rng.Hex(32);
    evidence.certificate_fingerprint = rng.Hex(64);
    evidence.signing_time = step.at;
    evidence.seal = needs.agency_seal;
    step.signature = evidence;
  }
  return step;
}

struct Walked {
  std::string state;
  bool terminal = false;
  bool assigned = false;
};

// Commits one transition (what DossierService::Act commits).
Status Commit(Context& ctx, const Workflow& wf, const Dossier& before, const Transition& t) {
  const State* from = wf.FindState(before.state);
  const State* to = wf.FindState(t.dossier.state);
  DossierStore::TransitionCommit commit;
  commit.after = &t.dossier;
  commit.expected_version = before.version;
  commit.event = &t.event();
  commit.queue_roles = to->queue_roles;
  commit.national_status = static_cast<int>(to->status);
  if (from->status != to->status) {
    commit.outbox.push_back(
        OutboxEntry{kDossierStatusTopic, NationalSyncPayload(wf, t.dossier, t.event())});
  }
  commit.facts = ComputeReportFacts(wf, t.dossier, *ctx.calendar);
  ctx.writes.fetch_add(1, std::memory_order_relaxed);
  return ctx.store->CommitTransition(commit);
}

// Generates, stores and walks dossier number `index`.
Walked GenerateOne(Context& ctx, std::int64_t index) {
  const std::uint64_t uindex = static_cast<std::uint64_t>(index);
  Rng rng(ctx.seed, 0xD055, uindex);
  Walked walked;
  const ProcedureModel& model = *ctx.procedures[rng.Weighted(ctx.procedure_weights)];
  const Workflow& wf = model.workflow;
  const std::uint64_t applicant_index = rng.Below(ctx.applicants);
  ctx.applicant_used[applicant_index].store(1, std::memory_order_relaxed);
  const Person applicant = MakeApplicant(ctx.seed, applicant_index, ctx.agencies.size());
  const std::string& agency = rng.Chance(0.8) ? ctx.agencies[applicant.home_agency].id
                                              : ctx.agencies[rng.Weighted(ctx.agency_weights)].id;

  // Submission: spread evenly over the window in index order, so that the
  // store sees roughly chronological dossiers.
  const double span = static_cast<double>((ctx.now - ctx.window_start).count());
  const double position = (static_cast<double>(index) + rng.Uniform()) /
                          static_cast<double>(std::max<std::int64_t>(ctx.count, 1));
  Instant submitted =
      ctx.window_start + std::chrono::seconds(static_cast<std::int64_t>(span * position));
  const bool online = rng.Chance(0.62);
  if (!online) {
    const Instant at_desk = ctx.calendar->AddWorkingMinutes(submitted, rng.Between(0, 120));
    if (at_desk < ctx.now) submitted = at_desk;
  }
  const LocalDate today = ctx.calendar->LocalDateOf(submitted);

  Result<std::int64_t> sequence = ctx.store->NextDossierSequence(agency, today);
  ctx.writes.fetch_add(1, std::memory_order_relaxed);
  if (!sequence.ok()) {
    ctx.Fail("NextDossierSequence: " + Describe(sequence.error()));
    return walked;
  }
  Result<std::string> code = FormatDossierCode({agency, today, *sequence});
  if (!code.ok()) {
    ctx.Fail("FormatDossierCode: " + Describe(code.error()));
    return walked;
  }

  SubmissionRequest request;
  request.code = *code;
  request.applicant_id = applicant.id;
  request.agency = agency;
  request.definition_version = model.version;
  request.actor = online ? ApplicantActor(applicant) : StaffActor("reception_clerk", agency, rng);
  request.payload["form"] = MakeForm(wf, applicant, today, rng);
  for (const RequiredDocument& doc : wf.procedure.documents) {
    if (doc.required || rng.Chance(0.3)) {
      request.payload["documents"][doc.key] =
          ctx.documents.attachments[rng.Index(ctx.documents.attachments.size())];
    }
  }
  tls_now = submitted;
  Result<Dossier> created = model.machine->Submit(request);
  if (!created.ok()) {
    ctx.Fail(model.code + " submit: " + Describe(created.error()));
    return walked;
  }
  Dossier dossier = std::move(created).value();
  auto create = [&](const Dossier& d) -> bool {
    const State* state = wf.FindState(d.state);
    ctx.writes.fetch_add(1, std::memory_order_relaxed);
    const std::vector<OutboxEntry> outbox{
        OutboxEntry{kDossierStatusTopic, NationalSyncPayload(wf, d, d.history.back())}};
    Status stored = ctx.store->CreateDossier(d, state->queue_roles, static_cast<int>(state->status),
                                             outbox, ComputeReportFacts(wf, d, *ctx.calendar));
    if (!stored.ok()) ctx.Fail("CreateDossier " + d.code + ": " + Describe(stored.error()));
    return stored.ok();
  };
  if (ctx.step_by_step && !create(dossier)) return walked;

  // Compact mode keeps the walk in memory: the dossier as it was before its
  // last step is created with its whole history, then the last step is
  // committed as a transition.
  std::optional<Dossier> before_last;
  std::optional<Transition> last_step;
  Instant last = submitted;
  for (int steps = 0; steps < 40; ++steps) {
    const State* state = wf.FindState(dossier.state);
    if (state->terminal) break;
    Step step = ChooseStep(ctx, model, dossier, applicant, last, rng);
    // A timer of the state fires first when the actor is later than it.
    for (const StateMachine::DueTimer& timer : model.machine->PendingTimers(dossier)) {
      if (step.never || timer.fires_at < step.at) {
        step = Step{};
        step.action = wf.FindAction(timer.timer->action);
        step.actor = SystemActor();
        step.at = timer.fires_at;
        step.payload["comment"] = CommentFor(timer.timer->action, rng);
      }
      break;
    }
    if (step.never || step.action == nullptr || step.at > ctx.now) break;
    tls_now = step.at;
    Result<ActionInput> input = ParseActionInput(step.payload);
    if (!input.ok()) {
      ctx.Fail(model.code + " " + dossier.state + " --" + step.action->name +
               "--> : " + Describe(input.error()));
      break;
    }
    Result<Transition> transition = model.machine->Apply(
        dossier,
        ActionRequest{step.action->name, step.actor, std::move(input).value(), step.signature});
    if (!transition.ok()) {
      ctx.Fail(model.code + " " + dossier.state + " --" + step.action->name +
               "--> : " + Describe(transition.error()));
      break;
    }
    if (ctx.step_by_step) {
      Status committed = Commit(ctx, wf, dossier, *transition);
      if (!committed.ok()) {
        ctx.Fail("CommitTransition " + dossier.code + ": " + Describe(committed.error()));
        return walked;
      }
    } else {
      before_last = std::move(dossier);
      last_step = std::move(transition).value();
    }
    ctx.transitions.fetch_add(1, std::memory_order_relaxed);
    last = step.at;
    dossier = ctx.step_by_step ? std::move(transition).value().dossier : last_step->dossier;
  }
  if (!ctx.step_by_step) {
    if (!last_step) {
      if (!create(dossier)) return walked;
    } else {
      if (!create(*before_last)) return walked;
      Status committed = Commit(ctx, wf, *before_last, *last_step);
      if (!committed.ok()) {
        ctx.Fail("CommitTransition " + dossier.code + ": " + Describe(committed.error()));
        return walked;
      }
    }
  }

  // Still waiting for staff: about half are claimed by someone already.
  const State* state = wf.FindState(dossier.state);
  const std::vector<std::string> staff = StaffRoles(*state);
  if (!state->terminal && !staff.empty() && rng.Chance(0.55)) {
    const Instant at = last + std::chrono::seconds(static_cast<std::int64_t>(
                                  rng.Uniform() * static_cast<double>((ctx.now - last).count())));
    Dossier after = dossier;
    DossierEvent event;
    event.action = kClaimAction;
    event.from_state = dossier.state;
    event.to_state = dossier.state;
    event.actor =
        StaffActor(staff[rng.Index(staff.size())], state->agency.value_or(dossier.agency), rng);
    event.at = std::max(at, last + std::chrono::seconds(1));
    after.assignee = event.actor.user_id;
    after.version = dossier.version + 1;
    after.history.push_back(event);
    DossierStore::TransitionCommit commit;
    commit.after = &after;
    commit.expected_version = dossier.version;
    commit.event = &after.history.back();
    commit.queue_roles = state->queue_roles;
    commit.national_status = static_cast<int>(state->status);
    ctx.writes.fetch_add(1, std::memory_order_relaxed);
    Status claimed = ctx.store->CommitTransition(commit);
    if (claimed.ok()) {
      walked.assigned = true;
      ctx.transitions.fetch_add(1, std::memory_order_relaxed);
    } else {
      ctx.Fail("claim " + dossier.code + ": " + Describe(claimed.error()));
    }
  }
  walked.state = dossier.state;
  walked.terminal = state->terminal;
  return walked;
}

void Worker(Context& ctx) {
  std::map<std::string, std::int64_t> states;
  std::int64_t assigned = 0;
  std::int64_t finished = 0;
  for (;;) {
    const std::int64_t index = ctx.next_index.fetch_add(1, std::memory_order_relaxed);
    if (index >= ctx.count) break;
    Walked walked = GenerateOne(ctx, index);
    if (!walked.state.empty()) {
      ++states[walked.state];
      if (walked.assigned) ++assigned;
      if (walked.terminal) ++finished;
    }
    ctx.done.fetch_add(1, std::memory_order_relaxed);
  }
  std::lock_guard lock(ctx.stats_mutex);
  for (const auto& [state, n] : states) ctx.final_states[state] += n;
  ctx.assigned += assigned;
  ctx.finished += finished;
}

// ---------------------------------------------------------------------------
// Set-up.

Result<std::string> ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error(ErrorCode::kNotFound, path.string() + ": cannot open");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

Result<json> ReadJsonFile(const std::filesystem::path& path) {
  Result<std::string> text = ReadFile(path);
  if (!text.ok()) return text.error();
  Result<json> parsed = ParseJsonText(*text);
  if (!parsed.ok())
    return Error(ErrorCode::kInvalidArgument, path.string() + ": " + parsed.error().message());
  return parsed;
}

std::vector<std::filesystem::path> JsonFiles(const std::filesystem::path& directory) {
  std::vector<std::filesystem::path> files;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(directory, error)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json")
      files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

Result<WorkingCalendar> LoadCalendar(const std::filesystem::path& directory) {
  std::vector<json> years;
  for (const auto& file : JsonFiles(directory)) {
    Result<json> year = ReadJsonFile(file);
    if (!year.ok()) return year.error();
    years.push_back(std::move(year).value());
  }
  if (years.empty()) return Error(ErrorCode::kNotFound, directory.string() + ": no calendar files");
  return WorkingCalendar::FromJson(years);
}

// Lints and publishes every workflow of `directory`; builds their state machines.
Status LoadProcedures(Context& ctx, const std::filesystem::path& directory,
                      const std::filesystem::path& schema_path, const Clock& clock,
                      Instant published_at) {
  std::vector<std::filesystem::path> files = JsonFiles(directory);
  if (files.empty()) return Error(ErrorCode::kNotFound, directory.string() + ": no workflows");
  std::vector<json> documents;
  for (const auto& file : files) {
    Result<json> document = ReadJsonFile(file);
    if (!document.ok()) return document.error();
    documents.push_back(std::move(document).value());
  }
  Result<json> schema_json = ReadJsonFile(schema_path);
  if (!schema_json.ok()) return schema_json.error();
  Result<JsonSchema> schema = JsonSchema::Compile(*schema_json);
  if (!schema.ok()) return schema.error();
  std::vector<std::vector<FieldError>> problems = LintWorkflows(*schema, documents);
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (!problems[i].empty()) {
      return Error(ErrorCode::kInvalidArgument, files[i].string() + ": " + problems[i][0].pointer +
                                                    ": " + problems[i][0].message);
    }
  }
  for (const json& document : documents) {
    auto model = std::make_unique<ProcedureModel>();
    Result<Workflow> workflow = ParseWorkflow(document);
    if (!workflow.ok()) return workflow.error();
    model->workflow = std::move(workflow).value();
    model->code = model->workflow.procedure.code;
    Result<StoredDefinition> published =
        ctx.store->PublishDefinition(model->code, document, "gen_dossiers", published_at);
    if (!published.ok()) return published.error();
    model->version = published->version;
    Result<StateMachine> machine = StateMachine::Create(model->workflow, *ctx.calendar, clock);
    if (!machine.ok()) return machine.error();
    model->machine.emplace(std::move(machine).value());
    // Procedures whose dossiers fork into branches at other agencies are
    // published but get no dossiers: the walk does not run branches, and
    // their agency roles would need a deployment's directory.
    const bool forks = !model->workflow.procedure.agency_roles.empty() ||
                       std::any_of(model->workflow.states.begin(), model->workflow.states.end(),
                                   [](const State& state) { return state.fork.has_value(); });
    model->weight = forks ? 0 : ProcedureWeight(model->code);
    if (forks) ctx.not_generated.push_back(model->code);
    ctx.procedure_weights.push_back(model->weight);
    ctx.procedures.push_back(std::move(model));
  }
  return Status();
}

std::string Duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "--";
  const long total = std::lround(seconds);
  char text[32];
  if (total >= 3600) {
    std::snprintf(text, sizeof text, "%ldh%02ldm%02lds", total / 3600, total / 60 % 60, total % 60);
  } else if (total >= 60) {
    std::snprintf(text, sizeof text, "%ldm%02lds", total / 60, total % 60);
  } else {
    std::snprintf(text, sizeof text, "%lds", total);
  }
  return text;
}

void DrawProgress(const Context& ctx, double elapsed, double rate, bool tty, bool final) {
  const std::int64_t done = ctx.done.load(std::memory_order_relaxed);
  const double fraction =
      ctx.count == 0 ? 1.0 : static_cast<double>(done) / static_cast<double>(ctx.count);
  constexpr int kWidth = 30;
  const int filled = static_cast<int>(fraction * kWidth);
  std::string bar(static_cast<std::size_t>(filled), '#');
  bar.resize(kWidth, '.');
  const double eta = rate > 0 ? static_cast<double>(ctx.count - done) / rate : -1;
  std::fprintf(stderr, "%s[%s] %5.1f%%  %lld/%lld  %.0f dossiers/s  %.0f writes/s  %s  ETA %s%s",
               tty ? "\r" : "", bar.c_str(), 100.0 * fraction, static_cast<long long>(done),
               static_cast<long long>(ctx.count), rate,
               elapsed > 0 ? static_cast<double>(ctx.writes.load()) / elapsed : 0.0,
               Duration(elapsed).c_str(), final ? "0s" : Duration(eta).c_str(),
               tty && !final ? "\x1b[K" : "\n");
  std::fflush(stderr);
}

int Usage() {
  std::fprintf(stderr,
               "usage: gen_dossiers --db PATH --count N [--seed S] [--threads T] [--batch B]\n"
               "                    [--step-by-step] [--synchronous normal|full]\n"
               "                    [--workflows DIR]\n");
  return 2;
}

int Run(int argc, char** argv) {
  std::string db;
  std::int64_t count = -1;
  std::uint64_t seed = 1;
  int threads = 128;
  int batch = 256;
  bool step_by_step = false;
  std::string synchronous = "normal";
  std::filesystem::path workflows = std::filesystem::path(MOTCUA_SOURCE_DIR) / "workflows";
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "gen_dossiers: %s needs a value\n", arg.c_str());
        std::exit(Usage());
      }
      return argv[++i];
    };
    if (arg == "--db") {
      db = value();
    } else if (arg == "--count") {
      count = std::atoll(value().c_str());
    } else if (arg == "--seed") {
      seed = std::strtoull(value().c_str(), nullptr, 10);
    } else if (arg == "--threads") {
      threads = std::max(1, std::atoi(value().c_str()));
    } else if (arg == "--step-by-step") {
      step_by_step = true;
    } else if (arg == "--batch") {
      batch = std::max(1, std::atoi(value().c_str()));
    } else if (arg == "--synchronous") {
      synchronous = value();
    } else if (arg == "--workflows") {
      workflows = value();
    } else {
      return Usage();
    }
  }
  if (db.empty() || count < 0) return Usage();

  const std::filesystem::path schema_path =
      std::filesystem::path(MOTCUA_SOURCE_DIR) / "schema" / "workflow.schema.json";
  Result<WorkingCalendar> calendar = LoadCalendar(workflows / "calendars");
  if (!calendar.ok()) {
    std::fprintf(stderr, "gen_dossiers: calendar: %s\n", Describe(calendar.error()).c_str());
    return 1;
  }

  SqliteStoreOptions options;
  options.path = db;
  options.synchronous = synchronous;
  options.max_batch = batch;
  options.reader_connections = 1;
  Result<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(options);
  if (!store.ok()) {
    std::fprintf(stderr, "gen_dossiers: open %s: %s\n", db.c_str(),
                 Describe(store.error()).c_str());
    return 1;
  }

  Context ctx;
  ctx.store = store->get();
  ctx.calendar = &*calendar;
  ctx.seed = seed;
  ctx.count = count;
  ctx.step_by_step = step_by_step;
  ctx.applicants = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(count) / 3);
  ctx.applicant_used = std::vector<std::atomic<std::uint8_t>>(ctx.applicants);
  ctx.now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  ctx.window_start = ctx.now - std::chrono::days(365);
  ctx.agencies = MakeAgencies(seed);
  for (const Agency& a : ctx.agencies) ctx.agency_weights.push_back(a.weight);

  static const ThreadClock clock;
  if (Status loaded = LoadProcedures(ctx, workflows, schema_path, clock,
                                     ctx.window_start - std::chrono::days(30));
      !loaded.ok()) {
    std::fprintf(stderr, "gen_dossiers: workflows: %s\n", Describe(loaded.error()).c_str());
    return 1;
  }
  Result<DocumentPool> pool = PutDocuments(**store, seed, ctx.window_start - std::chrono::days(30));
  if (!pool.ok()) {
    std::fprintf(stderr, "gen_dossiers: documents: %s\n", Describe(pool.error()).c_str());
    return 1;
  }
  ctx.documents = std::move(pool).value();
  std::fprintf(stderr,
               "gen_dossiers: %lld dossiers into %s (%zu procedures, %zu agencies, %llu applicant "
               "slots, seed %llu, %d threads, synchronous=%s)\n",
               static_cast<long long>(count), db.c_str(), ctx.procedures.size(),
               ctx.agencies.size(), static_cast<unsigned long long>(ctx.applicants),
               static_cast<unsigned long long>(seed), threads, synchronous.c_str());
  if (!ctx.not_generated.empty()) {
    std::string codes;
    for (const std::string& code : ctx.not_generated) codes += (codes.empty() ? "" : ", ") + code;
    std::fprintf(stderr,
                 "gen_dossiers: published without dossiers (they fork into other agencies' "
                 "branches, which the walk does not run): %s\n",
                 codes.c_str());
  }

  const bool tty = isatty(STDERR_FILENO) != 0;
  const SteadyClock::time_point start = SteadyClock::now();
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) workers.emplace_back([&ctx] { Worker(ctx); });

  // Progress: the rate over the last ~10 s drives the ETA.
  std::vector<std::pair<double, std::int64_t>> samples;
  double last_print = -100;
  while (ctx.done.load() < ctx.count) {
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
    const double elapsed = std::chrono::duration<double>(SteadyClock::now() - start).count();
    samples.emplace_back(elapsed, ctx.done.load());
    while (samples.size() > 2 && samples.front().first < elapsed - 10)
      samples.erase(samples.begin());
    const double window = samples.back().first - samples.front().first;
    const double rate =
        window > 0.5 ? static_cast<double>(samples.back().second - samples.front().second) / window
                     : 0;
    if (tty || elapsed - last_print >= 10) {
      DrawProgress(ctx, elapsed, rate, tty, false);
      last_print = elapsed;
    }
  }
  for (std::thread& worker : workers) worker.join();
  const double elapsed = std::chrono::duration<double>(SteadyClock::now() - start).count();
  const double rate = elapsed > 0 ? static_cast<double>(ctx.done.load()) / elapsed : 0;
  DrawProgress(ctx, elapsed, rate, tty, true);
  store->reset();  // finishes every queued write
  const double total = std::chrono::duration<double>(SteadyClock::now() - start).count();

  std::int64_t distinct = 0;
  for (const auto& used : ctx.applicant_used) distinct += used.load();
  std::printf(
      "final states (%lld dossiers, %lld finished = %.1f%%, %lld assigned, %lld distinct "
      "applicants):\n",
      static_cast<long long>(ctx.done.load()), static_cast<long long>(ctx.finished),
      count > 0 ? 100.0 * static_cast<double>(ctx.finished) / static_cast<double>(count) : 0.0,
      static_cast<long long>(ctx.assigned), static_cast<long long>(distinct));
  std::vector<std::pair<std::string, std::int64_t>> states(ctx.final_states.begin(),
                                                           ctx.final_states.end());
  std::sort(states.begin(), states.end(),
            [](const auto& a, const auto& b) { return a.second > b.second; });
  for (const auto& [state, n] : states) {
    std::printf("  %-26s %9lld  %5.2f%%\n", state.c_str(), static_cast<long long>(n),
                count > 0 ? 100.0 * static_cast<double>(n) / static_cast<double>(count) : 0.0);
  }
  for (const std::string& error : ctx.first_errors)
    std::fprintf(stderr, "error: %s\n", error.c_str());
  std::printf(
      "gen_dossiers: %lld dossiers, %lld transitions, %lld store writes in %.1f s: "
      "%.0f dossiers/s, %.0f writes/s%s\n",
      static_cast<long long>(ctx.done.load()), static_cast<long long>(ctx.transitions.load()),
      static_cast<long long>(ctx.writes.load()), total,
      total > 0 ? static_cast<double>(ctx.done.load()) / total : 0.0,
      total > 0 ? static_cast<double>(ctx.writes.load()) / total : 0.0,
      ctx.failures.load() == 0 ? ""
                               : (", " + std::to_string(ctx.failures.load()) + " FAILED").c_str());
  return ctx.failures.load() == 0 ? 0 : 1;
}

}  // namespace
}  // namespace motcua

int main(int argc, char** argv) {
  return motcua::Run(argc, argv);
}
