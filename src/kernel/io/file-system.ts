/**
 * The kernel's file DDIs (ZwCreateFile, ZwOpenFile, ZwReadFile, ZwWriteFile, ZwQuery/SetInformationFile,
 * ZwFlushBuffersFile) over the simulated volume (io/volume.ts). A file handle is a kernel handle to a
 * FILE_OBJECT with no device (ZwClose closes it); the open's state (its file, its position, whether it
 * is synchronous) is kept here by file object. Files live in the volume's fixed folders (C:\\, \\SystemRoot,
 * its Temp, System32 and drivers): elsewhere STATUS_OBJECT_PATH_NOT_FOUND. A \Device\X name opens the device as
 * IoGetDeviceObjectPointer does (IRP_MJ_CREATE); reads, writes and queries of such a handle are not
 * simulated (STATUS_NOT_SUPPORTED). Every routine runs at PASSIVE_LEVEL: the verifier's IrqlZwPassive
 * checks that, the kernel does not. The I/O is synchronous: an Event or ApcRoutine is never signalled
 * or called, and STATUS_PENDING is never returned.
 */
import { FILE_OBJECT, FILE_END_OF_FILE_INFORMATION, FILE_POSITION_INFORMATION, FILE_STANDARD_INFORMATION, IO_STATUS_BLOCK, OBJECT_ATTRIBUTES } from '../../nt/layout.ts';
import { FILE_CREATE_RESULT as R, FILE_DISPOSITION as D, FILE_INFORMATION_CLASS as C, FILE_OPTION, FILE_USE_FILE_POINTER_POSITION, FILE_WRITE_TO_END_OF_FILE } from '../../nt/file-system.ts';
import { IO_TYPE } from '../../nt/io.ts';
import { NT_SUCCESS, STATUS } from '../../nt/status.ts';
import type { Kernel } from '../kernel.ts';
import { TAG } from '../tags.ts';
import { isDirectoryKey, parentKey, resized, volumeKey, type VolumeFile } from './volume.ts';

/** One open of a volume file. */
interface OpenFile {
  readonly file: VolumeFile;
  position: number;
  /** FILE_SYNCHRONOUS_IO_(NON)ALERT: the I/O manager keeps the position, ByteOffset may be NULL. */
  readonly synchronous: boolean;
}

const SYNCHRONOUS = FILE_OPTION.FILE_SYNCHRONOUS_IO_ALERT | FILE_OPTION.FILE_SYNCHRONOUS_IO_NONALERT;
/** The allocation unit FileStandardInformation reports AllocationSize in (a 4 KB cluster). */
const CLUSTER = 4096;

export function fileSystemExports(k: Kernel) {
  const as = k.as;
  const opens = new Map<number, OpenFile>();

  const setIoStatus = (IoStatusBlock: number, status: number, information: number): number => {
    if (IoStatusBlock !== 0) {
      as.setU32(IoStatusBlock + IO_STATUS_BLOCK.off.Status, status);
      as.setU32(IoStatusBlock + IO_STATUS_BLOCK.off.Information, information);
    }
    return status;
  };

  /** The open of a handle, or the status for a bad one (no handle, another object type, a device file). */
  const openOf = (FileHandle: number): OpenFile | number => {
    const object = k.ob.objectOfHandle(FileHandle >>> 0);
    if (object === undefined) return STATUS.INVALID_HANDLE;
    if (k.ob.kindOf(object) !== 'File') return STATUS.OBJECT_TYPE_MISMATCH;
    return opens.get(object) ?? STATUS.NOT_SUPPORTED;
  };

  /** A FILE_OBJECT for a volume file, with its handle; 0 when pool is exhausted. */
  const newHandle = (open: OpenFile): number => {
    const fo = k.tryAllocateKernelObject(FILE_OBJECT.size, TAG.File);
    if (fo === 0) return 0;
    as.zero(fo, FILE_OBJECT.size);
    as.setU16(fo + FILE_OBJECT.off.Type, IO_TYPE.FILE);
    as.setU16(fo + FILE_OBJECT.off.Size, FILE_OBJECT.size);
    opens.set(fo, open);
    k.ob.create(fo, 'File', () => {
      opens.delete(fo);
      k.freeKernelObject(fo);
    });
    const handle = k.ob.createHandle(fo);
    k.ob.dereference(fo); // the handle's reference is the only one
    return handle;
  };

  /** A \Device\X open: the device's IRP_MJ_CREATE, and a handle to its file object. */
  const openDevice = (FileHandle: number, IoStatusBlock: number, name: string): number => {
    const open = k.io.files.openDevice(name, 0);
    if (!NT_SUCCESS(open.status)) return setIoStatus(IoStatusBlock, open.status, 0);
    as.setU32(FileHandle, k.ob.createHandle(open.file));
    k.ob.dereference(open.file);
    return setIoStatus(IoStatusBlock, open.status, R.FILE_OPENED);
  };

  const create = (FileHandle: number, ObjectAttributes: number, IoStatusBlock: number, disposition: number, options: number): number => {
    const nameAddress = ObjectAttributes === 0 ? 0 : as.u32(ObjectAttributes + OBJECT_ATTRIBUTES.off.ObjectName);
    if (nameAddress === 0) return STATUS.OBJECT_NAME_INVALID;
    if (as.u32(ObjectAttributes + OBJECT_ATTRIBUTES.off.RootDirectory) !== 0) return STATUS.NOT_SUPPORTED; // relative opens: not simulated
    const both = FILE_OPTION.FILE_DIRECTORY_FILE | FILE_OPTION.FILE_NON_DIRECTORY_FILE;
    if (disposition > D.FILE_OVERWRITE_IF || (options & both) === both) return STATUS.INVALID_PARAMETER;
    const name = k.io.readUnicodeString(nameAddress);
    const key = volumeKey(name);
    // Any other name is the I/O manager's: a device, or a name below one (STATUS_OBJECT_NAME_NOT_FOUND if neither).
    if (key === undefined) return openDevice(FileHandle, IoStatusBlock, name);
    // The folders are fixed: a folder opened as a file is STATUS_FILE_IS_A_DIRECTORY (as Windows answers
    // FILE_NON_DIRECTORY_FILE); a directory open or create is not simulated (STATUS_NOT_SUPPORTED).
    if (isDirectoryKey(key) && options & FILE_OPTION.FILE_NON_DIRECTORY_FILE) return setIoStatus(IoStatusBlock, STATUS.FILE_IS_A_DIRECTORY, 0);
    if (isDirectoryKey(key) || options & FILE_OPTION.FILE_DIRECTORY_FILE) return setIoStatus(IoStatusBlock, STATUS.NOT_SUPPORTED, 0);
    if (!isDirectoryKey(parentKey(key))) return setIoStatus(IoStatusBlock, STATUS.OBJECT_PATH_NOT_FOUND, 0);
    let file = k.volume.get(key);
    let information: number;
    if (file === undefined) {
      if (disposition === D.FILE_OPEN || disposition === D.FILE_OVERWRITE) return setIoStatus(IoStatusBlock, STATUS.OBJECT_NAME_NOT_FOUND, R.FILE_DOES_NOT_EXIST);
      file = k.volume.create(key, name);
      information = R.FILE_CREATED;
    } else if (disposition === D.FILE_CREATE) {
      return setIoStatus(IoStatusBlock, STATUS.OBJECT_NAME_COLLISION, R.FILE_EXISTS);
    } else if (disposition === D.FILE_SUPERSEDE) {
      file = k.volume.create(key, file.name);
      information = R.FILE_SUPERSEDED;
    } else if (disposition === D.FILE_OVERWRITE || disposition === D.FILE_OVERWRITE_IF) {
      file.data = new Uint8Array(0);
      information = R.FILE_OVERWRITTEN;
    } else {
      information = R.FILE_OPENED;
    }
    const handle = newHandle({ file, position: 0, synchronous: (options & SYNCHRONOUS) !== 0 });
    if (handle === 0) return setIoStatus(IoStatusBlock, STATUS.INSUFFICIENT_RESOURCES, 0);
    as.setU32(FileHandle, handle);
    return setIoStatus(IoStatusBlock, STATUS.SUCCESS, information);
  };

  /**
   * Where a transfer starts: ByteOffset, or the current position of a synchronous file (ByteOffset
   * NULL or FILE_USE_FILE_POINTER_POSITION); -1 for an asynchronous file without an offset.
   */
  const startOf = (open: OpenFile, ByteOffset: number, write: boolean): number => {
    if (ByteOffset !== 0) {
      const low = as.u32(ByteOffset);
      const high = as.u32(ByteOffset + 4) | 0;
      if (high === -1 && low === FILE_WRITE_TO_END_OF_FILE && write) return open.file.data.length;
      if (high === -1 && low === FILE_USE_FILE_POINTER_POSITION) return open.synchronous ? open.position : -1;
      if (high < 0) return -1;
      return high * 0x100000000 + low;
    }
    return open.synchronous ? open.position : -1;
  };

  return {
    /** Create or open a file on the volume (or a device by its \Device name); IoStatus.Information says what happened. */
    ZwCreateFile(FileHandle: number, _DesiredAccess: number, ObjectAttributes: number, IoStatusBlock: number, _AllocationSize: number, _FileAttributes: number, _ShareAccess: number, CreateDisposition: number, CreateOptions: number, _EaBuffer: number, _EaLength: number): number {
      return create(FileHandle >>> 0, ObjectAttributes >>> 0, IoStatusBlock >>> 0, CreateDisposition >>> 0, CreateOptions >>> 0);
    },
    /** ZwCreateFile with FILE_OPEN. */
    ZwOpenFile(FileHandle: number, _DesiredAccess: number, ObjectAttributes: number, IoStatusBlock: number, _ShareAccess: number, OpenOptions: number): number {
      return create(FileHandle >>> 0, ObjectAttributes >>> 0, IoStatusBlock >>> 0, D.FILE_OPEN, OpenOptions >>> 0);
    },
    /** Read up to Length bytes at ByteOffset (or the current position); STATUS_END_OF_FILE at or past the end. */
    ZwReadFile(FileHandle: number, _Event: number, _ApcRoutine: number, _ApcContext: number, IoStatusBlock: number, Buffer: number, Length: number, ByteOffset: number, _Key: number): number {
      const open = openOf(FileHandle);
      if (typeof open === 'number') return open;
      const start = startOf(open, ByteOffset >>> 0, false);
      if (start < 0) return STATUS.INVALID_PARAMETER;
      const data = open.file.data;
      if (start >= data.length && Length >>> 0 !== 0) return setIoStatus(IoStatusBlock >>> 0, STATUS.END_OF_FILE, 0);
      const n = Math.min(Length >>> 0, Math.max(0, data.length - start));
      as.write(Buffer >>> 0, data.subarray(start, start + n));
      if (open.synchronous) open.position = start + n;
      return setIoStatus(IoStatusBlock >>> 0, STATUS.SUCCESS, n);
    },
    /** Write Length bytes at ByteOffset (or the current position, or the end); the file grows as needed. */
    ZwWriteFile(FileHandle: number, _Event: number, _ApcRoutine: number, _ApcContext: number, IoStatusBlock: number, Buffer: number, Length: number, ByteOffset: number, _Key: number): number {
      const open = openOf(FileHandle);
      if (typeof open === 'number') return open;
      const start = startOf(open, ByteOffset >>> 0, true);
      if (start < 0) return STATUS.INVALID_PARAMETER;
      const n = Length >>> 0;
      const end = start + n;
      if (end > open.file.data.length) open.file.data = resized(open.file.data, end);
      open.file.data.set(as.read(Buffer >>> 0, n), start);
      if (open.synchronous) open.position = end;
      return setIoStatus(IoStatusBlock >>> 0, STATUS.SUCCESS, n);
    },
    /** FilePositionInformation and FileStandardInformation (FileEndOfFileInformation is set-only, as on Windows). */
    ZwQueryInformationFile(FileHandle: number, IoStatusBlock: number, FileInformation: number, Length: number, FileInformationClass: number): number {
      const open = openOf(FileHandle);
      if (typeof open === 'number') return open;
      const info = FileInformation >>> 0;
      const size = open.file.data.length;
      if (FileInformationClass === C.FilePositionInformation) {
        if (Length >>> 0 < FILE_POSITION_INFORMATION.size) return STATUS.INFO_LENGTH_MISMATCH;
        as.setU64(info + FILE_POSITION_INFORMATION.off.CurrentByteOffset, BigInt(open.position));
        return setIoStatus(IoStatusBlock >>> 0, STATUS.SUCCESS, FILE_POSITION_INFORMATION.size);
      }
      if (FileInformationClass === C.FileStandardInformation) {
        const S = FILE_STANDARD_INFORMATION;
        if (Length >>> 0 < S.size) return STATUS.INFO_LENGTH_MISMATCH;
        as.zero(info, S.size);
        as.setU64(info + S.off.AllocationSize, BigInt(Math.ceil(size / CLUSTER) * CLUSTER));
        as.setU64(info + S.off.EndOfFile, BigInt(size));
        as.setU32(info + S.off.NumberOfLinks, 1);
        return setIoStatus(IoStatusBlock >>> 0, STATUS.SUCCESS, S.size);
      }
      return STATUS.INVALID_INFO_CLASS;
    },
    /** FilePositionInformation (the next transfer's position) and FileEndOfFileInformation (truncate or extend with zeros). */
    ZwSetInformationFile(FileHandle: number, IoStatusBlock: number, FileInformation: number, Length: number, FileInformationClass: number): number {
      const open = openOf(FileHandle);
      if (typeof open === 'number') return open;
      const info = FileInformation >>> 0;
      if (FileInformationClass === C.FilePositionInformation || FileInformationClass === C.FileEndOfFileInformation) {
        const layout = FileInformationClass === C.FilePositionInformation ? FILE_POSITION_INFORMATION : FILE_END_OF_FILE_INFORMATION;
        if (Length >>> 0 < layout.size) return STATUS.INFO_LENGTH_MISMATCH;
        const value = as.u64(info) ; // both structures are one LARGE_INTEGER at offset 0
        if (value >= 1n << 63n || value > BigInt(Number.MAX_SAFE_INTEGER)) return STATUS.INVALID_PARAMETER;
        if (layout === FILE_POSITION_INFORMATION) open.position = Number(value);
        else open.file.data = resized(open.file.data, Number(value));
        return setIoStatus(IoStatusBlock >>> 0, STATUS.SUCCESS, 0);
      }
      return STATUS.INVALID_INFO_CLASS;
    },
    /** Nothing is cached: the volume is always up to date. */
    ZwFlushBuffersFile(FileHandle: number, IoStatusBlock: number): number {
      const open = openOf(FileHandle);
      if (typeof open === 'number') return open;
      return setIoStatus(IoStatusBlock >>> 0, STATUS.SUCCESS, 0);
    },
  };
}
