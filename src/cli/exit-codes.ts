/**
 * dv's exit codes: one definition, so a CI step can tell a driver bug from a tool bug from a hang.
 * decisions.md ("Exit codes of dv") is the source; the README documents the same table.
 */
export const EXIT = {
  /** The run ended clean: no bug check, no break, no hang. */
  CLEAN: 0,
  /** The machine stopped with a bug check, or Driver Verifier broke into the debugger. */
  BUGCHECK: 1,
  /** A usage or input error: bad flags, a driver that cannot load, a damaged dump, an unwritable output. */
  USAGE: 2,
  /** An internal error of dv itself (simulator, verifier, debugger): never charged to the driver. */
  INTERNAL: 3,
  /** A hang: a runaway driver, a wait nothing can end, or a time limit reached. */
  HANG: 4,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
