// backup.h: an online backup of the store's database file.
//
// Uses SQLite's online backup API, a chunk of pages per step, from one read
// snapshot of the source: the copy is consistent even while another process
// keeps writing, and writers are never blocked for long (WAL mode).
#pragma once

#include <string>

#include "engine/domain/status.h"

namespace motcua {

// Copies the database at `source_path` to a new file `output_path`.
// kFailedPrecondition if `output_path` already exists; kNotFound if the
// source does not exist; kUnavailable if the source stayed locked.
Status BackupDatabase(const std::string& source_path, const std::string& output_path);

}  // namespace motcua
