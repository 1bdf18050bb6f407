/*
 * atexit.c - what runs when the image unloads: destructors of global C++ objects (clang registers
 * each one with __cxa_atexit from the image's constructors, which run before DriverEntry) and
 * routines given to atexit. The loader calls __cxa_finalize after DriverUnload returns, before the
 * kernel's unload checks look at what the driver left, as the WDK's runtime runs its atexit table
 * when a driver image unloads. dv build links this file only into images that register something.
 */
#include <ntdef.h>

/* Registrations an image can hold: one per global object with a destructor, plus atexit routines. */
#define DV_ATEXIT_MAX 256

typedef struct _DV_ATEXIT_ENTRY {
  void (*Routine)(void *);
  void *Argument;
} DV_ATEXIT_ENTRY;

static DV_ATEXIT_ENTRY DvAtExitTable[DV_ATEXIT_MAX];
static unsigned DvAtExitCount;

/* The image is the one DSO here, so dso is not recorded. Returns nonzero when the table is full. */
int __cxa_atexit(void (*Routine)(void *), void *Argument, void *Dso) {
  (void)Dso;
  if (DvAtExitCount == DV_ATEXIT_MAX) return -1;
  DvAtExitTable[DvAtExitCount].Routine = Routine;
  DvAtExitTable[DvAtExitCount].Argument = Argument;
  DvAtExitCount++;
  return 0;
}

static void DvCallAtExitRoutine(void *Routine) {
  ((void (*)(void))Routine)();
}

int atexit(void (*Routine)(void)) {
  return __cxa_atexit(DvCallAtExitRoutine, (void *)Routine, NULL);
}

/* Last registered first (objects die in the reverse order of their construction); each runs once. */
void __cxa_finalize(void *Dso) {
  (void)Dso;
  while (DvAtExitCount > 0) {
    DV_ATEXIT_ENTRY *Entry = &DvAtExitTable[--DvAtExitCount];
    Entry->Routine(Entry->Argument);
  }
}
