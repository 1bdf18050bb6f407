/** The file DDIs' constants (ZwCreateFile and friends; ddk/include/dv/zwfile.h declares the same values). */

/** ZwCreateFile's CreateDisposition: what to do when the file exists, and when it does not. */
export const FILE_DISPOSITION = {
  FILE_SUPERSEDE: 0,
  FILE_OPEN: 1,
  FILE_CREATE: 2,
  FILE_OPEN_IF: 3,
  FILE_OVERWRITE: 4,
  FILE_OVERWRITE_IF: 5,
} as const;

/** IoStatusBlock->Information after a create: what happened. */
export const FILE_CREATE_RESULT = {
  FILE_SUPERSEDED: 0,
  FILE_OPENED: 1,
  FILE_CREATED: 2,
  FILE_OVERWRITTEN: 3,
  FILE_EXISTS: 4,
  FILE_DOES_NOT_EXIST: 5,
} as const;

/** CreateOptions / OpenOptions bits the volume looks at. */
export const FILE_OPTION = {
  FILE_DIRECTORY_FILE: 0x00000001,
  FILE_WRITE_THROUGH: 0x00000002,
  FILE_SEQUENTIAL_ONLY: 0x00000004,
  FILE_NO_INTERMEDIATE_BUFFERING: 0x00000008,
  FILE_SYNCHRONOUS_IO_ALERT: 0x00000010,
  FILE_SYNCHRONOUS_IO_NONALERT: 0x00000020,
  FILE_NON_DIRECTORY_FILE: 0x00000040,
} as const;

/** FileAttributes and ShareAccess (accepted, not enforced: one opener at a time is all a run does). */
export const FILE_ATTRIBUTE_NORMAL = 0x00000080;
export const FILE_SHARE = { FILE_SHARE_READ: 1, FILE_SHARE_WRITE: 2, FILE_SHARE_DELETE: 4 } as const;

/** FILE_INFORMATION_CLASS values the volume answers (every other: STATUS_INVALID_INFO_CLASS). */
export const FILE_INFORMATION_CLASS = {
  FileStandardInformation: 5,
  FilePositionInformation: 14,
  FileEndOfFileInformation: 20,
} as const;

/** ByteOffset's LowPart with HighPart = -1: the current position (read or write), the end (write). */
export const FILE_USE_FILE_POINTER_POSITION = 0xfffffffe;
export const FILE_WRITE_TO_END_OF_FILE = 0xffffffff;
