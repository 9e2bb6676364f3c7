#ifndef LEADSYNC_MALLOC_SHIM_H
#define LEADSYNC_MALLOC_SHIM_H

#if defined(__GLIBC__) || defined(__linux__)
#include <malloc.h>
/// Caps glibc's malloc arenas at `count`: by default each thread that allocates under contention
/// gets its own, and memory freed in one cannot serve another (mallopt and M_ARENA_MAX are not
/// visible to Swift through Glibc).
static inline void leadsync_limit_malloc_arenas(int count) { mallopt(M_ARENA_MAX, count); }
/// Hands the free pages of every arena back to the system (malloc_trim releases those inside the
/// heaps too, not only at their tops).
static inline void leadsync_trim_malloc(void) { malloc_trim(0); }
#else
static inline void leadsync_limit_malloc_arenas(int count) { (void)count; }
static inline void leadsync_trim_malloc(void) {}
#endif

#endif
