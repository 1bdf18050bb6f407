/*
 * dv/pnpifs.h - the device stack routines the WDK declares in ntifs.h (src/kernel/io/stack.ts): the
 * top of a stack without a reference, and the device below or at the bottom with one.
 */
#ifndef DV_PNPIFS_H
#define DV_PNPIFS_H

DDI_IMPORT(IoGetAttachedDevice) PDEVICE_OBJECT NTAPI IoGetAttachedDevice(_In_ PDEVICE_OBJECT DeviceObject);
DDI_IMPORT(IoGetLowerDeviceObject) PDEVICE_OBJECT NTAPI IoGetLowerDeviceObject(_In_ PDEVICE_OBJECT DeviceObject);
DDI_IMPORT(IoGetDeviceAttachmentBaseRef) PDEVICE_OBJECT NTAPI IoGetDeviceAttachmentBaseRef(_In_ PDEVICE_OBJECT DeviceObject);

#endif /* DV_PNPIFS_H */
