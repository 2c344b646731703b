#include "engine/domain/action_input.h"

#include <doctest/doctest.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace motcua {
namespace {

using nlohmann::json;

const std::string kId(64, 'a');

std::vector<std::string> Pointers(const std::vector<FieldError>& errors) {
  std::vector<std::string> pointers;
  for (const FieldError& e : errors) pointers.push_back(e.pointer);
  return pointers;
}

TEST_CASE("action input: every field typed, and the event payload is what was sent") {
  const json body = {{"comment", "meets the conditions"},
                     {"documents", {{"declaration", kId}}},
                     {"form", {{"address", "12 Hàng Bài"}, {"floor", 3}}},
                     {"result_document", kId},
                     {"channel", "post"},
                     {"appointment_date", "2026-12-01T17:00:00+07:00"}};
  Result<ActionInput> input = ParseActionInput(body);
  REQUIRE(input.ok());
  CHECK(input->malformed.empty());
  CHECK_FALSE(input->malformed_channel.has_value());
  CHECK(input->comment == "meets the conditions");
  CHECK(input->documents.at("declaration") == kId);
  CHECK(input->result_document == kId);
  CHECK(input->channel == Channel::kPost);
  REQUIRE(input->appointment.has_value());
  CHECK(*input->appointment ==
        Instant{std::chrono::sys_days{std::chrono::year{2026} / 12 / 1}} + std::chrono::hours{10});
  CHECK(ActionInputPayload(*input) == body);
}

TEST_CASE("action input: the signature is typed but never recorded, a payment is recorded") {
  Result<ActionInput> signed_input = ParseActionInput({{"signature", "MIIB"}});
  REQUIRE(signed_input.ok());
  CHECK(signed_input->signature == "MIIB");
  CHECK(ActionInputPayload(*signed_input) == json::object());

  ActionInput paid;
  paid.channel = Channel::kOnline;
  paid.payment = PaymentNote{"TX-1", 50000};
  CHECK(ActionInputPayload(paid) ==
        json{{"channel", "online"}, {"payment", {{"transaction_id", "TX-1"}, {"amount", 50000}}}});
}

TEST_CASE("action input: malformed values are kept for the state machine to report") {
  Result<ActionInput> input = ParseActionInput({{"comment", 5},
                                                {"documents", {{"declaration", "x"}}},
                                                {"form", "text"},
                                                {"result_document", "x"},
                                                {"appointment_date", "tomorrow"},
                                                {"signature", json::array({1, 2})},
                                                {"channel", "pigeon"}});
  REQUIRE(input.ok());
  CHECK(Pointers(input->malformed) == std::vector<std::string>{"/appointment_date", "/comment",
                                                               "/documents/declaration", "/form",
                                                               "/result_document", "/signature"});
  REQUIRE(input->malformed_channel.has_value());
  CHECK(input->malformed_channel->pointer == "/channel");
}

TEST_CASE("action input: an appointment date is read as rfc3339.h reads a date-time") {
  using std::chrono::sys_days;
  const Instant new_year_2017 = Instant{sys_days{std::chrono::year{2017} / 1 / 1}};
  struct Case {
    const char* text;
    std::optional<Instant> appointment;
  };
  const Case cases[] = {
      {"2017-01-01T07:00:00+07:00", new_year_2017},
      {"2017-01-01t00:00:00.25z", new_year_2017},
      {"2016-12-31T23:59:60Z", new_year_2017 - std::chrono::seconds{1}},  // a leap second
      {"2016-12-31T22:59:60Z", std::nullopt},
      {"+017-01-01T00:00:00Z", std::nullopt},
      {"2017-+1-01T00:00:00Z", std::nullopt},
      {"2017-01-01T+7:00:00Z", std::nullopt},
      {"2017-01-01 00:00:00Z", std::nullopt},
      {"2017-01-01T00:00:00", std::nullopt},
      {"2017-01-01", std::nullopt},
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    Result<ActionInput> input = ParseActionInput({{"appointment_date", c.text}});
    REQUIRE(input.ok());
    CHECK(input->appointment == c.appointment);
    CHECK(input->malformed.empty() == c.appointment.has_value());
  }
}

TEST_CASE("action input: only an object of the known fields parses") {
  Result<ActionInput> unknown = ParseActionInput({{"comment", "x"}, {"bogus", 1}});
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().reason() == ErrorReason::kValidation);
  CHECK(Pointers(unknown.error().fields()) == std::vector<std::string>{"/bogus"});
  Result<ActionInput> array = ParseActionInput(json::array());
  REQUIRE_FALSE(array.ok());
  CHECK(array.error().reason() == ErrorReason::kInvalidPayload);
}

}  // namespace
}  // namespace motcua
