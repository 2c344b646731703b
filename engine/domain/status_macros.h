// status_macros.h: pass an error up to the caller in one line.
//
// RETURN_IF_ERROR(expr) evaluates `expr` (a Status or a Result<T>) exactly
// once; if it failed, the enclosing function returns its Error (which converts
// to the function's Status or Result<U>). Otherwise execution continues.
//
// ASSIGN_OR_RETURN(lhs, expr) evaluates `expr` (a Result<T>) exactly once; if
// it failed, the enclosing function returns its Error, else the value is moved
// into `lhs`. `lhs` is a declaration (`auto x`, `const Workflow& w`) or an
// existing variable (`x`, `out.field`); it must not contain an unparenthesized
// comma. The macro expands to several statements: do not use it as the body of
// an unbraced `if` or loop.
//
// Use them only where an error is passed up unchanged. Where the caller adds
// context or translates the error (another code, another reason, a field
// pointer), write the check out so the translation is visible.
//
// Example:
//   Result<Dossier> DossierService::Load(const std::string& code) {
//     RETURN_IF_ERROR(CheckDossierCode(code));
//     ASSIGN_OR_RETURN(StoredDossier stored, store_.GetDossier(code));
//     return Replay(stored);
//   }
#pragma once

#include <utility>

#include "engine/domain/status.h"

#define MOTCUA_STATUS_MACROS_CONCAT_INNER(a, b) a##b
#define MOTCUA_STATUS_MACROS_CONCAT(a, b) MOTCUA_STATUS_MACROS_CONCAT_INNER(a, b)

#define RETURN_IF_ERROR(expr)                                                            \
  do {                                                                                   \
    auto&& motcua_status_macros_checked = (expr);                                        \
    if (!motcua_status_macros_checked.ok()) return motcua_status_macros_checked.error(); \
  } while (false)

#define ASSIGN_OR_RETURN(lhs, expr)      \
  MOTCUA_STATUS_MACROS_ASSIGN_OR_RETURN( \
      MOTCUA_STATUS_MACROS_CONCAT(motcua_status_macros_result_, __COUNTER__), lhs, expr)

#define MOTCUA_STATUS_MACROS_ASSIGN_OR_RETURN(result, lhs, expr) \
  auto result = (expr);                                          \
  if (!result.ok()) return result.error();                       \
  lhs = std::move(result).value()
