#ifndef LEADSYNC_SQLITE_SHIM_H
#define LEADSYNC_SQLITE_SHIM_H
#include <sqlite3.h>

/// Swift cannot call C variadics: typed wrappers for the forms leadsync uses.
static inline int leadsync_sqlite3_config_int(int option, int value) {
    return sqlite3_config(option, value);
}

/// SQLITE_TRANSIENT is a cast of -1 to a function pointer, which Swift cannot spell.
static inline sqlite3_destructor_type leadsync_sqlite3_transient(void) {
    return SQLITE_TRANSIENT;
}
#endif
