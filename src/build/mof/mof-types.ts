/**
 * The MOF data types a WMI data block may hold, and the C type each is laid out as in a driver's
 * buffer (the DDK's "Driver-Defined WMI Data Items": natural alignment, as MSVC's /Zp8 packs, which
 * clang's wasm32 layout matches for these sizes). One table: the parser checks names against it and
 * the header writer declares from it.
 */

export interface MofScalar {
  /** The C type a member of this MOF type is declared with. */
  readonly c: string;
  /** A fixed count of `c` (datetime is 25 WCHARs), or 1. */
  readonly count: number;
}

export const MOF_SCALARS: Readonly<Record<string, MofScalar>> = {
  boolean: { c: 'BOOLEAN', count: 1 },
  uint8: { c: 'UCHAR', count: 1 },
  sint8: { c: 'CHAR', count: 1 },
  char16: { c: 'WCHAR', count: 1 },
  uint16: { c: 'USHORT', count: 1 },
  sint16: { c: 'SHORT', count: 1 },
  uint32: { c: 'ULONG', count: 1 },
  sint32: { c: 'LONG', count: 1 },
  uint64: { c: 'ULONGLONG', count: 1 },
  sint64: { c: 'LONGLONG', count: 1 },
  real32: { c: 'float', count: 1 },
  real64: { c: 'double', count: 1 },
  // A fixed 25-character Unicode string: yyyymmddhhmmss.mmmmmmsutc.
  datetime: { c: 'WCHAR', count: 25 },
};

/** A counted Unicode string (a USHORT byte count, then the characters): its size varies, so it ends the fixed part. */
export const MOF_STRING = 'string';

/** The member wmimofck-style headers put where the fixed layout stops: the first variable-sized item. */
export const VARIABLE_DATA_MEMBER = 'VariableData';
