// web_routes.h: serves the web front end (a single-page app) on the API's
// origin.
//
//   GET /                    index.html (the app; its routes live in the URL
//                            fragment, "#/dossiers/...", so no other page path
//                            exists)
//   GET /web/{file}          an asset at the top of api/web/
//   GET /web/{dir}/{file}    an asset one folder down (vendor/, pages/, ...)
//
// Assets are looked up by exact name in the table given to AddWebRoutes(),
// never on a file system, so no path can reach outside it; the router already
// refuses "." and ".." segments and encoded "/" (router.h). A name not in the
// table is 404 problem+json, like any unknown route.
//
// Every answer carries the front end's security headers: a strict
// Content-Security-Policy (scripts, styles and connections only from this
// origin, no inline script or style, no framing), X-Content-Type-Options
// nosniff, Referrer-Policy no-referrer and X-Frame-Options DENY. Caching is by
// revalidation: "Cache-Control: no-cache" and a strong ETag (the SHA-256 of
// the bytes); a GET whose If-None-Match names it is 304 without a body.
//
// Example:
//   AddWebRoutes(router, EmbeddedWebAssets());
#pragma once

#include <span>
#include <string_view>

#include "api/router.h"
#include "api/web_assets.h"
#include "engine/domain/status.h"

namespace motcua {

// The Content-Security-Policy sent with every front-end file.
inline constexpr std::string_view kWebContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob:; "
    "connect-src 'self'; frame-src 'self' blob:; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'";

// The media type of a front-end file, chosen by its extension (UTF-8 for
// text); "application/octet-stream" for an unknown one.
std::string_view WebContentType(std::string_view path);

// Registers the routes above on `router`, serving `assets` (which must outlive
// the router's use and contain "index.html"). Fails with kInvalidArgument when
// index.html is missing, or as Router::Add() fails.
Status AddWebRoutes(Router& router, std::span<const WebAsset> assets);

}  // namespace motcua
