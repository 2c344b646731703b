#include "engine/domain/checkpoint.h"

#include <doctest/doctest.h>

#include <chrono>
#include <string>

namespace motcua {
namespace {

const std::string kHashA(64, 'a');
const std::string kHashB(64, 'b');

Checkpoint Sample() {
  Checkpoint checkpoint =
      UnsignedCheckpoint({{"B-2", 3, kHashB}, {"A-1", 2, kHashA}},
                         Instant(std::chrono::seconds(1795136400)), std::string(64, 'c'));
  checkpoint.algorithm = "Ed25519";
  checkpoint.key_id = std::string(64, 'd');
  checkpoint.public_key = "cHVibGlj";
  checkpoint.signature = "c2lnbmF0dXJl";
  return checkpoint;
}

TEST_CASE("checkpoint: heads are sorted and counted - the JSON form round-trips") {
  const Checkpoint checkpoint = Sample();
  REQUIRE(checkpoint.heads.size() == 2);
  CHECK(checkpoint.heads[0].dossier_code == "A-1");
  CHECK(checkpoint.dossiers == 2);
  CHECK(checkpoint.events == 5);
  CHECK(CheckpointHeadsText(checkpoint.heads) == "A-1 2 " + kHashA + "\nB-2 3 " + kHashB + "\n");
  Result<Checkpoint> back = CheckpointFromJson(CheckpointToJson(checkpoint));
  REQUIRE(back.ok());
  CHECK(CheckpointSignedText(*back) == CheckpointSignedText(checkpoint));
  CHECK(back->heads.size() == 2);
  CHECK(back->signature == checkpoint.signature);
  // The signed text names every signed field, and not the heads.
  const std::string text = CheckpointSignedText(checkpoint);
  CHECK(text ==
        "{\"algorithm\":\"Ed25519\",\"dossiers\":2,\"events\":5,\"format\":\"motcua-checkpoint/"
        "1\",\"issued_at\":1795136400,\"key_id\":\"" +
            std::string(64, 'd') + "\",\"root\":\"" + std::string(64, 'c') + "\"}");
  // The feed copy leaves the heads out.
  CHECK_FALSE(CheckpointToJson(checkpoint, false).contains("heads"));
  CHECK(CheckpointFromJson(CheckpointToJson(checkpoint, false)).ok());
}

TEST_CASE("checkpoint: malformed checkpoints are refused naming the field") {
  const nlohmann::json good = CheckpointToJson(Sample());
  struct Case {
    const char* pointer;
    nlohmann::json value;
  };
  const Case cases[] = {
      {"/format", "motcua-checkpoint/0"},
      {"/issued_at", -1},
      {"/root", "not a digest"},
      {"/events", 4},
      {"/dossiers", 3},
      {"/heads/1", {{"dossier", "C-3"}, {"version", 0}, {"head", kHashB}}},
      {"/heads", "none"},
      {"/signature", 7},
  };
  for (const Case& c : cases) {
    nlohmann::json bad = good;
    bad[nlohmann::json::json_pointer(c.pointer)] = c.value;
    Result<Checkpoint> parsed = CheckpointFromJson(bad);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().reason() == ErrorReason::kInvalidCheckpoint);
    REQUIRE_FALSE(parsed.error().fields().empty());
    const std::string pointer = parsed.error().fields().front().pointer;
    CHECK_MESSAGE(pointer == c.pointer, c.pointer << " gave " << pointer);
  }
  nlohmann::json unordered = good;
  std::swap(unordered["heads"][0], unordered["heads"][1]);
  CHECK(CheckpointFromJson(unordered).error().fields().front().pointer == "/heads/1");
  CHECK_FALSE(CheckpointFromJson(nlohmann::json::array()).ok());
}

}  // namespace
}  // namespace motcua
