/*
 * sjlj.c - the runtime of clang's setjmp/longjmp lowering for wasm (-mllvm -enable-emscripten-sjlj),
 * which <dv/seh.h> builds structured exception handling on.
 *
 * clang rewrites a function that calls setjmp: each call it makes goes through an env.invoke_<sig>
 * import (the loader's, which catches a longjmp or an NT exception thrown past it), and after each
 * call the function looks at __THREW__ to see whether a longjmp targets one of its own setjmp
 * points (testSetjmp) or must go on outwards (env.emscripten_longjmp, the loader's). The table of a
 * function's setjmp points is allocated on entry and freed on return: malloc/free here serve only
 * that, from a small arena of this image (not pool: it is the compiler's bookkeeping, not the
 * driver's memory, and must not fail under low-resources simulation).
 *
 * A setjmp point is known by the address of its jmp_buf, which is unique in the machine while the
 * frame lives: so a longjmp thrown by another image is never taken for one of this image's.
 */
#include <ntdef.h>

typedef struct {
  unsigned id;
  unsigned label;
} DV_SETJMP_ENTRY;

/* Set by setThrew: the jmp_buf a longjmp targets, and the value setjmp returns there. */
unsigned __THREW__;
unsigned __threwValue;
static unsigned tempRet0;

void setTempRet0(unsigned value) { tempRet0 = value; }
unsigned getTempRet0(void) { return tempRet0; }

__attribute__((export_name("setThrew"))) void setThrew(unsigned threw, unsigned value) {
  if (__THREW__ == 0) {
    __THREW__ = threw;
    __threwValue = value;
  }
}

/* ---- the arena: blocks of 8-byte units with a one-unit header (its size in units, and a free bit) */
#define ARENA_UNITS 2048 /* 16 KiB: 40 bytes per active call of a function with __try */
static unsigned long long arena[ARENA_UNITS];
static unsigned arenaTop;

__attribute__((import_module("env"), import_name("__dv_sjlj_exhausted"))) __attribute__((noreturn)) void __dv_sjlj_exhausted(unsigned size);

__attribute__((weak)) void *malloc(unsigned size) {
  unsigned units = (size + 7) / 8;
  /* First fit among freed blocks, then the top. Few and short-lived: a linear walk is enough. */
  for (unsigned i = 0; i < arenaTop;) {
    unsigned h = (unsigned)arena[i];
    unsigned n = h >> 1;
    if ((h & 1) && n >= units) {
      arena[i] = (unsigned long long)(n << 1);
      return &arena[i + 1];
    }
    i += n + 1;
  }
  if (arenaTop + units + 1 > ARENA_UNITS) __dv_sjlj_exhausted(size);
  arena[arenaTop] = (unsigned long long)(units << 1);
  void *p = &arena[arenaTop + 1];
  arenaTop += units + 1;
  return p;
}

__attribute__((weak)) void free(void *p) {
  if (!p) return;
  unsigned long long *h = (unsigned long long *)p - 1;
  *h |= 1;
  /* Give back a free tail, so a balanced sequence leaves the arena as it found it. */
  while (arenaTop > 0) {
    unsigned i = 0, last = 0;
    while (i < arenaTop) {
      last = i;
      i += (unsigned)(arena[i] >> 1) + 1;
    }
    if (!(arena[last] & 1)) break;
    arenaTop = last;
  }
}

__attribute__((weak)) void *realloc(void *p, unsigned size) {
  unsigned char *q = malloc(size);
  if (p) {
    unsigned old = (unsigned)(((unsigned long long *)p)[-1] >> 1) * 8;
    unsigned char *s = p;
    for (unsigned i = 0; i < old && i < size; i++) q[i] = s[i];
    free(p);
  }
  return q;
}

/* Record setjmp point `label` of the calling function for jmp_buf `env`; grow its table if full. */
DV_SETJMP_ENTRY *saveSetjmp(unsigned *env, unsigned label, DV_SETJMP_ENTRY *table, unsigned size) {
  unsigned id = (unsigned)(ULONG_PTR)env;
  *env = id;
  for (unsigned i = 0; i < size; i++) {
    if (table[i].id == 0 || table[i].id == id) {
      if (table[i].id == 0) table[i + 1].id = 0;
      table[i].id = id;
      table[i].label = label;
      setTempRet0(size);
      return table;
    }
  }
  size *= 2;
  table = realloc(table, sizeof(DV_SETJMP_ENTRY) * (size + 1));
  return saveSetjmp(env, label, table, size);
}

/* The label of setjmp point `id` in the calling function, or 0 if it is not one of its own. */
unsigned testSetjmp(unsigned id, DV_SETJMP_ENTRY *table, unsigned size) {
  for (unsigned i = 0; i < size && table[i].id != 0; i++) {
    if (table[i].id == id) return table[i].label;
  }
  return 0;
}
