// web_assets.h: the web front end's files (api/web/), compiled into the binary.
//
// CMake embeds every file under api/web/ at configure time (api/CMakeLists.txt
// re-runs itself when one changes), so a fresh clone's `motcua serve` shows
// the front end without a source tree beside it. Each asset carries the
// SHA-256 of its bytes, which the web routes send as the ETag.
//
// Example:
//   for (const WebAsset& asset : EmbeddedWebAssets()) Use(asset.path, asset.bytes);
#pragma once

#include <span>
#include <string_view>

namespace motcua {

// One file of the front end. `path` is relative to api/web/, with "/"
// separators ("index.html", "vendor/preact.module.js"); the views point into
// static storage.
struct WebAsset {
  std::string_view path;
  std::string_view bytes;
  std::string_view sha256_hex;
};

// Every embedded file, sorted by path. Defined in the generated
// web_assets_data.cc.
std::span<const WebAsset> EmbeddedWebAssets();

}  // namespace motcua
