#include "engine/crypto/openssl_jwk.h"

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>

#include <algorithm>
#include <array>
#include <utility>

#include "engine/crypto/openssl_ptr.h"
#include "engine/domain/base64url.h"
#include "engine/domain/id_token_refusal.h"
#include "engine/domain/status_macros.h"

namespace motcua {
namespace {

using nlohmann::json;
using ossl::BignumPtr;
using ossl::PkeyPtr;

using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, ossl::Deleter<EVP_MD_CTX_free>>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, ossl::Deleter<EVP_PKEY_CTX_free>>;
using ParamBuilderPtr = std::unique_ptr<OSSL_PARAM_BLD, ossl::Deleter<OSSL_PARAM_BLD_free>>;
using ParamsPtr = std::unique_ptr<OSSL_PARAM, ossl::Deleter<OSSL_PARAM_free>>;
using EcdsaSignaturePtr = std::unique_ptr<ECDSA_SIG, ossl::Deleter<ECDSA_SIG_free>>;

constexpr int kMinRsaBits = 2048;
// Larger moduli only make each verification slower for whoever sends them.
constexpr int kMaxRsaBits = 8192;
constexpr std::size_t kP256CoordinateBytes = 32;
constexpr std::size_t kEd25519KeyBytes = 32;
constexpr std::size_t kEs256SignatureBytes = 2 * kP256CoordinateBytes;

// Members that only a private or symmetric key has (RFC 7518 section 6).
constexpr std::array<const char*, 8> kPrivateMembers = {"d",  "p",  "q",   "dp",
                                                        "dq", "qi", "oth", "k"};

enum class KeyKind { kRsa, kP256, kEd25519 };

Error Unusable(const std::string& why) {
  return Error(ErrorCode::kInvalidArgument, "the JWK cannot verify signatures: " + why);
}

const unsigned char* Bytes(std::string_view text) {
  return reinterpret_cast<const unsigned char*>(text.data());
}

// The bytes of the base64url member `name`, which must be present.
Result<std::string> BinaryMember(const json& jwk, const char* name) {
  const auto member = jwk.find(name);
  if (member == jwk.end() || !member->is_string()) {
    return Unusable(std::string(name) + " is missing or not a string");
  }
  std::optional<std::string> bytes = Base64UrlDecode(member->get<std::string>());
  if (!bytes) return Unusable(std::string(name) + " is not canonical base64url");
  return std::move(*bytes);
}

bool IsString(const json& jwk, const char* name, std::string_view value) {
  const auto member = jwk.find(name);
  return member != jwk.end() && member->is_string() && member->get<std::string>() == value;
}

// A public key of `type` ("RSA", "EC") from the parameters built so far.
PkeyPtr FromParams(const char* type, OSSL_PARAM_BLD* builder) {
  ParamsPtr params(OSSL_PARAM_BLD_to_param(builder));
  PkeyCtxPtr context(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* key = nullptr;
  if (!params || !context || EVP_PKEY_fromdata_init(context.get()) != 1 ||
      EVP_PKEY_fromdata(context.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    return nullptr;
  }
  return PkeyPtr(key);
}

// OpenSSL's own validation of a public key (for EC: the point is on the
// curve and not the point at infinity; for RSA: an odd modulus, an odd
// exponent greater than one).
bool PassesPublicCheck(EVP_PKEY* key) {
  PkeyCtxPtr context(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
  return context && EVP_PKEY_public_check(context.get()) == 1;
}

Result<PkeyPtr> ImportRsa(const json& jwk) {
  ASSIGN_OR_RETURN(std::string modulus, BinaryMember(jwk, "n"));
  ASSIGN_OR_RETURN(std::string exponent, BinaryMember(jwk, "e"));
  if (modulus.size() > static_cast<std::size_t>(kMaxRsaBits / 8 + 1) || exponent.size() > 8) {
    return Unusable("n or e is too long");
  }
  BignumPtr n(BN_bin2bn(Bytes(modulus), static_cast<int>(modulus.size()), nullptr));
  BignumPtr e(BN_bin2bn(Bytes(exponent), static_cast<int>(exponent.size()), nullptr));
  if (!n || !e) return Unusable("n or e cannot be read" + ossl::ErrorSuffix());
  const int bits = BN_num_bits(n.get());
  if (bits < kMinRsaBits || bits > kMaxRsaBits) {
    return Unusable("an RSA modulus of " + std::to_string(bits) + " bits (2048 to 8192 accepted)");
  }
  ParamBuilderPtr builder(OSSL_PARAM_BLD_new());
  if (!builder || OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_N, n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_E, e.get()) != 1) {
    return Unusable("cannot build the RSA key" + ossl::ErrorSuffix());
  }
  PkeyPtr key = FromParams("RSA", builder.get());
  if (!key || !PassesPublicCheck(key.get())) {
    return Unusable("not a valid RSA public key" + ossl::ErrorSuffix());
  }
  return key;
}

Result<PkeyPtr> ImportP256(const json& jwk) {
  if (!IsString(jwk, "crv", "P-256")) return Unusable("an EC key whose crv is not P-256");
  ASSIGN_OR_RETURN(std::string x, BinaryMember(jwk, "x"));
  ASSIGN_OR_RETURN(std::string y, BinaryMember(jwk, "y"));
  if (x.size() != kP256CoordinateBytes || y.size() != kP256CoordinateBytes) {
    return Unusable("a P-256 coordinate that is not 32 bytes");
  }
  const std::string point = "\x04" + x + y;  // SEC 1 uncompressed form
  ParamBuilderPtr builder(OSSL_PARAM_BLD_new());
  if (!builder ||
      OSSL_PARAM_BLD_push_utf8_string(builder.get(), OSSL_PKEY_PARAM_GROUP_NAME, "P-256", 0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                       point.size()) != 1) {
    return Unusable("cannot build the EC key" + ossl::ErrorSuffix());
  }
  PkeyPtr key = FromParams("EC", builder.get());
  if (!key || !PassesPublicCheck(key.get())) {
    return Unusable("x and y are not a point on P-256" + ossl::ErrorSuffix());
  }
  return key;
}

Result<PkeyPtr> ImportEd25519(const json& jwk) {
  if (!IsString(jwk, "crv", "Ed25519")) return Unusable("an OKP key whose crv is not Ed25519");
  ASSIGN_OR_RETURN(std::string x, BinaryMember(jwk, "x"));
  if (x.size() != kEd25519KeyBytes) return Unusable("an Ed25519 key that is not 32 bytes");
  PkeyPtr key(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, Bytes(x), x.size()));
  if (!key) return Unusable("not an Ed25519 public key" + ossl::ErrorSuffix());
  return key;
}

KeyKind KindFor(JwsAlgorithm algorithm) {
  switch (algorithm) {
    case JwsAlgorithm::kRs256:
    case JwsAlgorithm::kPs256: return KeyKind::kRsa;
    case JwsAlgorithm::kEs256: return KeyKind::kP256;
    case JwsAlgorithm::kEdDsa: return KeyKind::kEd25519;
  }
  return KeyKind::kRsa;
}

// RFC 7518 section 3.4: JWS carries r||s; OpenSSL verifies DER.
std::optional<std::string> RawEcdsaToDer(std::string_view raw) {
  if (raw.size() != kEs256SignatureBytes) return std::nullopt;
  EcdsaSignaturePtr signature(ECDSA_SIG_new());
  BignumPtr r(BN_bin2bn(Bytes(raw), static_cast<int>(kP256CoordinateBytes), nullptr));
  BignumPtr s(BN_bin2bn(Bytes(raw.substr(kP256CoordinateBytes)),
                        static_cast<int>(kP256CoordinateBytes), nullptr));
  if (!signature || !r || !s || ECDSA_SIG_set0(signature.get(), r.get(), s.get()) != 1) {
    return std::nullopt;
  }
  r.release();  // owned by `signature` now
  s.release();
  unsigned char* der = nullptr;
  const int length = i2d_ECDSA_SIG(signature.get(), &der);
  if (length <= 0 || der == nullptr) return std::nullopt;
  std::string out(reinterpret_cast<const char*>(der), static_cast<std::size_t>(length));
  OPENSSL_free(der);
  return out;
}

class OpenSslJwsKey final : public JwsPublicKey {
 public:
  OpenSslJwsKey(PkeyPtr key, KeyKind kind, std::string key_id,
                std::optional<JwsAlgorithm> declared_algorithm)
      : key_(std::move(key)),
        kind_(kind),
        key_id_(std::move(key_id)),
        declared_algorithm_(declared_algorithm) {}

  const std::string& key_id() const override { return key_id_; }

  bool Fits(JwsAlgorithm algorithm) const override {
    return KindFor(algorithm) == kind_ &&
           (!declared_algorithm_ || *declared_algorithm_ == algorithm);
  }

  Status Verify(JwsAlgorithm algorithm, std::string_view signing_input,
                std::string_view signature) const override {
    if (!Fits(algorithm)) {
      return IdTokenRefused(IdTokenRefusal::kKeyMismatch,
                            "the key " + QuotedForLog(key_id_) + " cannot verify " +
                                JwsAlgorithmName(algorithm) + " signatures");
    }
    std::string der;
    if (algorithm == JwsAlgorithm::kEs256) {
      std::optional<std::string> converted = RawEcdsaToDer(signature);
      if (!converted) {
        return IdTokenRefused(IdTokenRefusal::kBadSignature,
                              "an ES256 signature must be r||s of 64 bytes, this one has " +
                                  std::to_string(signature.size()));
      }
      der = std::move(*converted);
      signature = der;
    }
    const bool verified = VerifiedByOpenSsl(algorithm, signing_input, signature);
    ERR_clear_error();
    if (!verified) {
      return IdTokenRefused(IdTokenRefusal::kBadSignature,
                            std::string("the ") + JwsAlgorithmName(algorithm) +
                                " signature does not verify under the key " +
                                QuotedForLog(key_id_));
    }
    return {};
  }

 private:
  bool VerifiedByOpenSsl(JwsAlgorithm algorithm, std::string_view signing_input,
                         std::string_view signature) const {
    MdCtxPtr context(EVP_MD_CTX_new());
    EVP_PKEY_CTX* key_context = nullptr;
    const EVP_MD* digest = algorithm == JwsAlgorithm::kEdDsa ? nullptr : EVP_sha256();
    if (!context ||
        EVP_DigestVerifyInit(context.get(), &key_context, digest, nullptr, key_.get()) != 1) {
      return false;
    }
    if (algorithm == JwsAlgorithm::kRs256 &&
        EVP_PKEY_CTX_set_rsa_padding(key_context, RSA_PKCS1_PADDING) != 1) {
      return false;
    }
    if (algorithm == JwsAlgorithm::kPs256 &&
        (EVP_PKEY_CTX_set_rsa_padding(key_context, RSA_PKCS1_PSS_PADDING) != 1 ||
         EVP_PKEY_CTX_set_rsa_mgf1_md(key_context, EVP_sha256()) != 1 ||
         EVP_PKEY_CTX_set_rsa_pss_saltlen(key_context, RSA_PSS_SALTLEN_DIGEST) != 1)) {
      return false;
    }
    return EVP_DigestVerify(context.get(), Bytes(signature), signature.size(), Bytes(signing_input),
                            signing_input.size()) == 1;
  }

  PkeyPtr key_;
  KeyKind kind_;
  std::string key_id_;
  std::optional<JwsAlgorithm> declared_algorithm_;
};

// Refuses what no verification key may have or say; see the header.
Status CheckKeyUse(const json& jwk) {
  for (const char* name : kPrivateMembers) {
    if (jwk.contains(name)) {
      return Unusable(std::string("it has the private or secret member \"") + name + "\"");
    }
  }
  if (const auto use = jwk.find("use"); use != jwk.end() && !IsString(jwk, "use", "sig")) {
    return Unusable("its use is not \"sig\"");
  }
  if (const auto operations = jwk.find("key_ops"); operations != jwk.end()) {
    const bool verify = operations->is_array() && std::find(operations->begin(), operations->end(),
                                                            json("verify")) != operations->end();
    if (!verify) return Unusable("its key_ops do not include \"verify\"");
  }
  return {};
}

struct KeyMaterial {
  PkeyPtr key;
  KeyKind kind;
};

// The public key of `jwk` by its kty.
Result<KeyMaterial> ImportKeyMaterial(const json& jwk) {
  struct Importer {
    const char* kty;
    Result<PkeyPtr> (*import)(const json&);
    KeyKind kind;
  };
  static constexpr std::array<Importer, 3> kImporters = {{
      {"RSA", ImportRsa, KeyKind::kRsa},
      {"EC", ImportP256, KeyKind::kP256},
      {"OKP", ImportEd25519, KeyKind::kEd25519},
  }};
  for (const Importer& importer : kImporters) {
    if (!IsString(jwk, "kty", importer.kty)) continue;
    ASSIGN_OR_RETURN(PkeyPtr key, importer.import(jwk));
    return KeyMaterial{std::move(key), importer.kind};
  }
  if (IsString(jwk, "kty", "oct")) {
    return Unusable("an oct key is a shared secret, not a provider's public key");
  }
  return Unusable("its kty is not RSA, EC or OKP");
}

}  // namespace

Result<std::shared_ptr<const JwsPublicKey>> OpenSslJwkImporter::Import(const json& jwk) const {
  if (!jwk.is_object()) return Unusable("it is not a JSON object");
  RETURN_IF_ERROR(CheckKeyUse(jwk));
  std::string key_id;
  if (const auto kid = jwk.find("kid"); kid != jwk.end()) {
    if (!kid->is_string()) return Unusable("its kid is not a string");
    key_id = kid->get<std::string>();
  }
  std::optional<JwsAlgorithm> declared_algorithm;
  if (const auto alg = jwk.find("alg"); alg != jwk.end()) {
    declared_algorithm =
        alg->is_string() ? JwsAlgorithmFromName(alg->get<std::string>()) : std::nullopt;
    if (!declared_algorithm) return Unusable("its alg is not RS256, PS256, ES256 or EdDSA");
  }
  Result<KeyMaterial> material = ImportKeyMaterial(jwk);
  ERR_clear_error();
  RETURN_IF_ERROR(material);
  const KeyKind kind = material->kind;
  if (declared_algorithm && KindFor(*declared_algorithm) != kind) {
    return Unusable(std::string("its alg ") + JwsAlgorithmName(*declared_algorithm) +
                    " does not fit its kty");
  }
  return std::shared_ptr<const JwsPublicKey>(std::make_shared<OpenSslJwsKey>(
      std::move(material->key), kind, std::move(key_id), declared_algorithm));
}

}  // namespace motcua
