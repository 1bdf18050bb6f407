/*
 * mountdev.h - the I/O controls the mount manager sends a volume (IOCTL_MOUNTDEV_*): its unique id,
 * its device name and the drive letter it suggests. wasm32: no pointers, the sizes are x64's.
 */
#ifndef DV_MOUNTDEV_H
#define DV_MOUNTDEV_H

#include <devioctl.h>
#include <guiddef.h>

#define MOUNTDEVCONTROLTYPE 0x0000004D /* 'M' */
#define DV_MOUNTDEV_IOCTL(Function) CTL_CODE(MOUNTDEVCONTROLTYPE, (Function), METHOD_BUFFERED, FILE_ANY_ACCESS)

#define IOCTL_MOUNTDEV_QUERY_UNIQUE_ID DV_MOUNTDEV_IOCTL(0)
#define IOCTL_MOUNTDEV_UNIQUE_ID_CHANGE_NOTIFY DV_MOUNTDEV_IOCTL(1)
#define IOCTL_MOUNTDEV_QUERY_DEVICE_NAME DV_MOUNTDEV_IOCTL(2)
#define IOCTL_MOUNTDEV_QUERY_SUGGESTED_LINK_NAME DV_MOUNTDEV_IOCTL(3)
#define IOCTL_MOUNTDEV_LINK_CREATED DV_MOUNTDEV_IOCTL(4)
#define IOCTL_MOUNTDEV_LINK_DELETED DV_MOUNTDEV_IOCTL(5)
#define IOCTL_MOUNTDEV_QUERY_STABLE_GUID DV_MOUNTDEV_IOCTL(6)

/* The interface a volume registers; the WDK declares it in mountmgr.h, which its mountdev.h includes */
DEFINE_GUID(MOUNTDEV_MOUNTED_DEVICE_GUID, 0x53f5630d, 0xb6bf, 0x11d0, 0x94, 0xf2, 0x00, 0xa0, 0xc9, 0x1e, 0xfb, 0x8b);

/* Each output is a length, then that many bytes: a caller too small gets STATUS_BUFFER_OVERFLOW and the length */
typedef struct _MOUNTDEV_UNIQUE_ID {
  USHORT UniqueIdLength;
  UCHAR UniqueId[1];
} MOUNTDEV_UNIQUE_ID, *PMOUNTDEV_UNIQUE_ID;

typedef struct _MOUNTDEV_NAME {
  USHORT NameLength;
  WCHAR Name[1];
} MOUNTDEV_NAME, *PMOUNTDEV_NAME;

typedef struct _MOUNTDEV_SUGGESTED_LINK_NAME {
  BOOLEAN UseOnlyIfThereAreNoOtherLinks;
  USHORT NameLength;
  WCHAR Name[1];
} MOUNTDEV_SUGGESTED_LINK_NAME, *PMOUNTDEV_SUGGESTED_LINK_NAME;

#endif /* DV_MOUNTDEV_H */
