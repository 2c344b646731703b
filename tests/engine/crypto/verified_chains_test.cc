// VerifiedChains: the keys and time windows of chains already validated.
// What a verifier answers with it is tested in openssl_cms_test.cc.
#include "engine/crypto/verified_chains.h"

#include <doctest/doctest.h>
#include <openssl/pem.h>

#include <chrono>
#include <string>

#include "engine/crypto/pki_demo.h"

namespace motcua {
namespace {

using std::chrono::days;

Instant Now() {
  return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

std::int64_t Seconds(Instant at) {
  return at.time_since_epoch().count();
}

ossl::X509Ptr Parse(const std::string& pem) {
  ossl::BioPtr bio = ossl::ReadBio(pem);
  ossl::X509Ptr certificate(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  REQUIRE(certificate != nullptr);
  return certificate;
}

// A stack holding references to `certificates`, in order.
ossl::X509StackPtr Stack(std::initializer_list<X509*> certificates) {
  ossl::X509StackPtr stack(sk_X509_new_null());
  for (X509* certificate : certificates) {
    REQUIRE(X509_up_ref(certificate) == 1);
    REQUIRE(sk_X509_push(stack.get(), certificate) > 0);
  }
  return stack;
}

struct Chain {
  Instant now = Now();
  DemoPki pki = MakeDemoPki(now - days(10)).value();
  ossl::X509Ptr leader = Parse(pki.leader.certificate_pem);
  ossl::X509Ptr intermediate = Parse(pki.intermediate.certificate_pem);
  ossl::X509Ptr root = Parse(pki.root.certificate_pem);
};

TEST_CASE("verified chains: the key names the signer and every included certificate") {
  Chain c;
  ossl::X509StackPtr leader_first = Stack({c.leader.get(), c.intermediate.get()});
  ossl::X509StackPtr intermediate_first = Stack({c.intermediate.get(), c.leader.get()});
  ossl::X509StackPtr leader_alone = Stack({c.leader.get()});
  std::optional<std::string> key = ossl::VerifiedChains::KeyOf(c.leader.get(), leader_first.get());
  REQUIRE(key.has_value());
  CHECK(key == ossl::VerifiedChains::KeyOf(c.leader.get(), leader_first.get()));
  CHECK(key != ossl::VerifiedChains::KeyOf(c.leader.get(), intermediate_first.get()));
  CHECK(key != ossl::VerifiedChains::KeyOf(c.leader.get(), leader_alone.get()));
  CHECK(key != ossl::VerifiedChains::KeyOf(c.intermediate.get(), leader_first.get()));
  // A signer that is not among the included certificates has no key.
  CHECK_FALSE(ossl::VerifiedChains::KeyOf(c.root.get(), leader_first.get()).has_value());
}

TEST_CASE("verified chains: a chain holds inside every certificate's validity, a second in") {
  Chain c;
  ossl::X509StackPtr chain = Stack({c.leader.get(), c.intermediate.get(), c.root.get()});
  ossl::X509StackPtr included = Stack({c.leader.get(), c.intermediate.get()});
  const std::string key = ossl::VerifiedChains::KeyOf(c.leader.get(), included.get()).value();
  ossl::VerifiedChains chains(4);
  CHECK_FALSE(chains.Holds(key, Seconds(c.now)));
  chains.Remember(key, Seconds(c.now), chain.get(), false, {});
  CHECK(chains.size() == 1);
  CHECK(chains.Holds(key, Seconds(c.now)));
  // All three start an hour before the PKI was made, and the leader's ends
  // first, 730 days after it; the window starts a second after the start.
  const Instant made = c.now - days(10);
  const Instant start = made - std::chrono::hours(1);
  CHECK_FALSE(chains.Holds(key, Seconds(start)));
  CHECK(chains.Holds(key, Seconds(start) + 1));
  CHECK(chains.Holds(key, Seconds(made + days(730)) - 1));
  CHECK_FALSE(chains.Holds(key, Seconds(made + days(730))));

  // The CRLs' window narrows it; a time outside it is not remembered.
  ossl::VerifiedChains with_crls(4);
  const ossl::TimeWindow crls{Seconds(c.now - days(1)), Seconds(c.now + days(7))};
  with_crls.Remember(key, Seconds(c.now - days(2)), chain.get(), true, crls);
  CHECK(with_crls.size() == 0);
  with_crls.Remember(key, Seconds(c.now), chain.get(), true, crls);
  CHECK(with_crls.Holds(key, Seconds(c.now + days(7)) - 1));
  CHECK_FALSE(with_crls.Holds(key, Seconds(c.now + days(7))));
  CHECK_FALSE(with_crls.Holds(key, Seconds(c.now - days(1)) - 1));
  // Without CRL checking, their window does not apply.
  ossl::VerifiedChains without(4);
  without.Remember(key, Seconds(c.now), chain.get(), false, crls);
  CHECK(without.Holds(key, Seconds(c.now + days(8))));
}

TEST_CASE("verified chains: when full, the cache starts again") {
  Chain c;
  ossl::X509StackPtr chain = Stack({c.leader.get(), c.intermediate.get(), c.root.get()});
  ossl::X509StackPtr one = Stack({c.leader.get()});
  ossl::X509StackPtr two = Stack({c.leader.get(), c.intermediate.get()});
  ossl::X509StackPtr three = Stack({c.leader.get(), c.root.get()});
  ossl::VerifiedChains chains(2);
  for (STACK_OF(X509) * included : {one.get(), two.get(), three.get()}) {
    chains.Remember(ossl::VerifiedChains::KeyOf(c.leader.get(), included).value(), Seconds(c.now),
                    chain.get(), false, {});
  }
  CHECK(chains.size() == 1);
  CHECK(chains.Holds(ossl::VerifiedChains::KeyOf(c.leader.get(), three.get()).value(),
                     Seconds(c.now)));
  CHECK_FALSE(
      chains.Holds(ossl::VerifiedChains::KeyOf(c.leader.get(), one.get()).value(), Seconds(c.now)));
}

}  // namespace
}  // namespace motcua
