/*
 * dv/iorelated.h - IoGetRelatedDeviceObject (src/kernel/io/related-device.ts): the top of the stack a
 * file object was opened on, where IRPs for the file are sent. Declared in wdm.h in the WDK.
 */
#ifndef DV_IORELATED_H
#define DV_IORELATED_H

DDI_IMPORT(IoGetRelatedDeviceObject) PDEVICE_OBJECT NTAPI IoGetRelatedDeviceObject(_In_ PFILE_OBJECT FileObject);

#endif /* DV_IORELATED_H */
