// pki_demo.h: a throw-away certificate authority for demos and tests.
//
// Never for production: the keys are generated on this machine and written
// next to the certificates. Real signing keys come from the agency's CA.
//
// Demo hierarchy (EC P-256 keys, SHA-256 signatures):
//   root-ca          CN=motcua Demo Root CA, self-signed, CA, 10 years
//   intermediate-ca  CN=motcua Demo Intermediate CA, CA (pathlen 0), 5 years
//   leader           O=demo agency, CN=Demo Leader, serialNumber=leader1,
//                    UID=leader1; keyUsage digitalSignature, nonRepudiation
//   agency-seal      O=demo agency; same key usage
// Both leaf certificates are issued by the intermediate, valid for 2 years.
// Every validity period starts one hour before `now` (clock skew).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "engine/domain/clock.h"
#include "engine/domain/status.h"

namespace motcua {

// A certificate and its private key, both PEM (the key unencrypted PKCS#8).
struct CertifiedKey {
  std::string certificate_pem;
  std::string private_key_pem;
};

// What to put in a certificate.
struct CertificateProfile {
  // Subject attributes in order, by OpenSSL short name, values UTF-8:
  // e.g. {{"O", "demo agency"}, {"CN", "Demo Leader"}}.
  std::vector<std::pair<std::string, std::string>> subject;
  Instant not_before;
  Instant not_after;
  // basicConstraints CA:TRUE (critical); path_length < 0 means no limit.
  bool certificate_authority = false;
  int path_length = -1;
  // keyUsage (critical) in OpenSSL's syntax, e.g. "digitalSignature,
  // nonRepudiation" or "keyCertSign,cRLSign"; empty: no keyUsage extension.
  std::string key_usage;
};

// A fresh EC P-256 key and a certificate for it with a random 128-bit serial,
// signed with SHA-256 by `issuer`, or self-signed when `issuer` is nullptr.
// kInvalidArgument for an unknown subject attribute or key usage name, or an
// issuer that does not parse.
Result<CertifiedKey> IssueCertificate(const CertificateProfile& profile,
                                      const CertifiedKey* issuer = nullptr);

// A CRL (PEM, v2, SHA-256) signed by `issuer` listing the certificates of
// `revoked_certificate_pems` (each a PEM certificate issued by `issuer`) as
// revoked at `this_update`, for tests of revocation checking. kInvalidArgument
// for an issuer or certificate that does not parse.
Result<std::string> IssueCrl(const CertifiedKey& issuer,
                             const std::vector<std::string>& revoked_certificate_pems,
                             Instant this_update, Instant next_update);

struct DemoPki {
  CertifiedKey root;
  CertifiedKey intermediate;
  CertifiedKey leader;
  CertifiedKey agency_seal;
  // One more personal certificate per extra signer, by user id: O=demo
  // agency, CN and UID that id, issued like the leader's.
  // The server binds a certificate to the user whose id is its UID, so these
  // let staff of other agencies sign (the leaders of a fork's branches).
  std::vector<std::pair<std::string, CertifiedKey>> signers;
};

// The demo hierarchy above, in memory, with a certificate for each of
// `signers`. kInvalidArgument for a signer id that is not 1 to 64 of
// [A-Za-z0-9._-] not starting with '.' (it names files too), or that repeats
// another or the leader's.
Result<DemoPki> MakeDemoPki(Instant now, const std::vector<std::string>& signers = {});

// Writes the demo hierarchy to `dir` (created if missing): root-ca.pem,
// root-ca.key, intermediate-ca.pem, intermediate-ca.key, leader.pem,
// leader.key, agency-seal.pem, agency-seal.key and chain.pem (the
// intermediate, to include when signing), and signer-ID.pem and signer-ID.key
// for each extra signer. Keys get mode 0600, certificates 0644 (less the
// umask). kFailedPrecondition, writing nothing, if any of these files exists
// already; kUnavailable if a file cannot be written.
Status WriteDemoPki(const std::string& dir, Instant now,
                    const std::vector<std::string>& signers = {});

}  // namespace motcua
