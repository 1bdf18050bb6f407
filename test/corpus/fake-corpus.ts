/**
 * A tiny corpus laid out as Windows-driver-samples lays out its samples, written to a temp folder:
 * a WDM project that builds and answers the IOCTL sample's four requests, one stopped by a missing
 * header, a KMDF one with WPP, a C++ one, one refusing the event sample's request, folders of driver
 * sources without a project file (one clean with no device, one leaking at unload, one hanging in
 * DriverEntry, one failing it), and projects that are not kernel drivers (a test app, a UMDF DLL).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

interface ProjectText {
  readonly configurationType?: string;
  readonly driverType?: string;
  readonly items: string;
  readonly includeDirs?: string;
  readonly defines?: string;
  readonly link?: string;
  readonly wpp?: boolean;
}

/** A .vcxproj as the samples write them: Debug and Release, x64, per-configuration groups. */
export function vcxproj(p: ProjectText): string {
  const cfg = (c: string) => `Condition="'$(Configuration)|$(Platform)'=='${c}'"`;
  return `\uFEFF<?xml version="1.0" encoding="utf-8"?>
<Project DefaultTargets="Build" ToolsVersion="12.0" xmlns="http://schemas.microsoft.com/developer/msbuild/2003">
  <ItemGroup Label="ProjectConfigurations">
    <ProjectConfiguration Include="Debug|x64"><Configuration>Debug</Configuration><Platform>x64</Platform></ProjectConfiguration>
    <ProjectConfiguration Include="Release|x64"><Configuration>Release</Configuration><Platform>x64</Platform></ProjectConfiguration>
  </ItemGroup>
  <Import Project="$(VCTargetsPath)\\Microsoft.Cpp.Default.props" />
  <!-- Configuration properties -->
  <PropertyGroup Label="Configuration" ${cfg('Release|x64')}>
    <DriverType>${p.driverType ?? 'WDM'}</DriverType>
    <ConfigurationType>${p.configurationType ?? 'Driver'}</ConfigurationType>
  </PropertyGroup>
  <ItemDefinitionGroup ${cfg('Debug|x64')}>
    <ClCompile><PreprocessorDefinitions>%(PreprocessorDefinitions);WRONG_CONFIGURATION=1</PreprocessorDefinitions></ClCompile>
  </ItemDefinitionGroup>
  <ItemDefinitionGroup ${cfg('Release|x64')}>
    <ClCompile>
      <AdditionalIncludeDirectories>%(AdditionalIncludeDirectories);$(DDK_INC_PATH);${p.includeDirs ?? ''}</AdditionalIncludeDirectories>
      <PreprocessorDefinitions>${p.defines ?? ''};%(PreprocessorDefinitions)</PreprocessorDefinitions>
      ${p.wpp ? '<WppEnabled>true</WppEnabled>' : ''}
    </ClCompile>
    <Link><AdditionalDependencies>%(AdditionalDependencies);${p.link ?? ''}</AdditionalDependencies></Link>
  </ItemDefinitionGroup>
  <ItemGroup>
${p.items}
  </ItemGroup>
  <Import Project="$(VCTargetsPath)\\Microsoft.Cpp.targets" />
</Project>
`;
}

const DEVICE_DRIVER = `#include <ntddk.h>
#include "shared.h"
#if SAMPLE_ANSWER != 42
#error the project's PreprocessorDefinitions did not arrive
#endif
#ifdef WRONG_CONFIGURATION
#error the Debug configuration's definitions were used
#endif

DRIVER_INITIALIZE DriverEntry;
static DRIVER_DISPATCH Dispatch;
static DRIVER_UNLOAD Unload;
static UNICODE_STRING Name = RTL_CONSTANT_STRING(L"\\\\Device\\\\FakeIoctl");

static NTSTATUS Dispatch(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    Irp->IoStatus.Information = 0;
    Irp->IoStatus.Status = SharedStatus();
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}

static VOID Unload(PDRIVER_OBJECT DriverObject)
{
    IoDeleteDevice(DriverObject->DeviceObject);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    PDEVICE_OBJECT device;
    NTSTATUS status;
    ULONG i;

    UNREFERENCED_PARAMETER(RegistryPath);
    status = IoCreateDevice(DriverObject, 0, &Name, FILE_DEVICE_UNKNOWN, 0, FALSE, &device);
    if (!NT_SUCCESS(status)) {
        return status;
    }
    for (i = 0; i <= IRP_MJ_MAXIMUM_FUNCTION; i++) {
        DriverObject->MajorFunction[i] = Dispatch;
    }
    DriverObject->DriverUnload = Unload;
    return STATUS_SUCCESS;
}
`;

/** A device that refuses every request, for the event sample's documented IOCTL; like the real one, it breaks in DriverEntry. */
const REFUSING_DRIVER = `#include <ntddk.h>
DRIVER_INITIALIZE DriverEntry;
static DRIVER_DISPATCH Dispatch;
static DRIVER_UNLOAD Unload;
static UNICODE_STRING Name = RTL_CONSTANT_STRING(L"\\\\Device\\\\FakeEvent");
static NTSTATUS Dispatch(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    Irp->IoStatus.Information = 0;
    Irp->IoStatus.Status = IoGetCurrentIrpStackLocation(Irp)->MajorFunction == IRP_MJ_DEVICE_CONTROL ? STATUS_INVALID_DEVICE_REQUEST : STATUS_SUCCESS;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return Irp->IoStatus.Status;
}
static VOID Unload(PDRIVER_OBJECT DriverObject) { IoDeleteDevice(DriverObject->DeviceObject); }
NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    PDEVICE_OBJECT device;
    NTSTATUS status;
    ULONG i;
    UNREFERENCED_PARAMETER(RegistryPath);
    DbgBreakPoint();
    status = IoCreateDevice(DriverObject, 0, &Name, FILE_DEVICE_UNKNOWN, 0, FALSE, &device);
    if (!NT_SUCCESS(status)) {
        return status;
    }
    for (i = 0; i <= IRP_MJ_MAXIMUM_FUNCTION; i++) {
        DriverObject->MajorFunction[i] = Dispatch;
    }
    DriverObject->DriverUnload = Unload;
    return STATUS_SUCCESS;
}
`;

const FAILING_DRIVER = `#include <wdm.h>
DRIVER_INITIALIZE DriverEntry;
NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(DriverObject);
    UNREFERENCED_PARAMETER(RegistryPath);
    return STATUS_UNSUCCESSFUL;
}
`;

const NO_DEVICE_DRIVER = `#include <wdm.h>
DRIVER_INITIALIZE DriverEntry;
static DRIVER_UNLOAD Unload;
static VOID Unload(PDRIVER_OBJECT DriverObject) { UNREFERENCED_PARAMETER(DriverObject); }
NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->DriverUnload = Unload;
    return STATUS_SUCCESS;
}
`;

const LEAKING_DRIVER = `#include <wdm.h>
DRIVER_INITIALIZE DriverEntry;
static DRIVER_UNLOAD Unload;
static PVOID Block;
static VOID Unload(PDRIVER_OBJECT DriverObject) { UNREFERENCED_PARAMETER(DriverObject); }
NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    Block = ExAllocatePoolWithTag(NonPagedPoolNx, 64, 'kaeL');
    DriverObject->DriverUnload = Unload;
    return Block != NULL ? STATUS_SUCCESS : STATUS_INSUFFICIENT_RESOURCES;
}
`;

const HANGING_DRIVER = `#include <wdm.h>
DRIVER_INITIALIZE DriverEntry;
static KEVENT Never;
NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(DriverObject);
    UNREFERENCED_PARAMETER(RegistryPath);
    KeInitializeEvent(&Never, NotificationEvent, FALSE);
    KeWaitForSingleObject(&Never, Executive, KernelMode, FALSE, NULL);
    return STATUS_SUCCESS;
}
`;

/** Project paths of the fake corpus, as the table names them. */
export const FAKE = {
  ioctl: 'general/ioctl/wdm/sys/sioctl.vcxproj',
  missingHeader: 'filesys/miniFilter/nothere/nothere.vcxproj',
  kmdf: 'general/echo/kmdf/echo.vcxproj',
  cpp: 'general/cppdrv/cppdrv.vcxproj',
  loose: 'loose/',
  leaky: 'leaky/',
  hangs: 'hangs/',
  failing: 'failing/',
  event: 'general/event/wdm/event.vcxproj',
  /** Its DriverEntry is in a folder of its own (src/), which is therefore not a project too. */
  shared: 'general/split/proj/split.vcxproj',
} as const;

export function writeFakeCorpus(root: string): void {
  const files: Record<string, string> = {
    [FAKE.ioctl]: vcxproj({
      // `;`-separated sources, one up a folder; one excluded from this configuration.
      items: `    <ClCompile Include="sioctl.c; ..\\common\\shared.c" />
    <ClCompile Include="broken.c"><ExcludedFromBuild Condition="'$(Configuration)|$(Platform)'=='Release|x64'">true</ExcludedFromBuild></ClCompile>
    <ResourceCompile Include="sioctl.rc" />`,
      includeDirs: '..\\inc',
      defines: 'SAMPLE_ANSWER=42',
    }),
    'general/ioctl/wdm/sys/sioctl.c': DEVICE_DRIVER,
    'general/ioctl/wdm/sys/broken.c': 'this is not C\n',
    'general/ioctl/wdm/inc/shared.h': '#pragma once\nNTSTATUS SharedStatus(void);\n',
    'general/ioctl/wdm/common/shared.c': '#include <ntddk.h>\n#include "shared.h"\nNTSTATUS SharedStatus(void) { return STATUS_SUCCESS; }\n',
    // The test app: an Application, not a driver; its sources are claimed by it.
    'general/ioctl/wdm/exe/ioctlapp.vcxproj': vcxproj({ configurationType: 'Application', items: '    <ClCompile Include="testapp.c" />' }),
    'general/ioctl/wdm/exe/testapp.c': 'int main(void) { return 0; }\n',
    [FAKE.missingHeader]: vcxproj({ items: '    <ClCompile Include="nothere.c" />', link: '$(DDK_LIB_PATH)\\FltMgr.lib' }),
    'filesys/miniFilter/nothere/nothere.c': '#include <ntifs.h>\n#include <dv_no_such_header.h>\n',
    [FAKE.kmdf]: vcxproj({ driverType: 'KMDF', items: '    <ClCompile Include="driver.c" />', wpp: true }),
    'general/echo/kmdf/driver.c':
      '#include <ntddk.h>\n#define WPP_CONTROL_GUIDS WPP_DEFINE_CONTROL_GUID(EchoGuid, (11111111, 2222, 3333, 4444, 555555555555), WPP_DEFINE_BIT(F))\n#include "driver.tmh"\n#include <wdf.h>\nNTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)\n{\n    UNREFERENCED_PARAMETER(DriverObject);\n    UNREFERENCED_PARAMETER(RegistryPath);\n    return WdfDvNoSuchDdi();\n}\n',
    [FAKE.cpp]: vcxproj({ items: '    <ClCompile Include="driver.cpp" />' }),
    'general/cppdrv/driver.cpp': `extern "C" {\n${NO_DEVICE_DRIVER}}\n`,
    'umdf/user/user.vcxproj': vcxproj({ configurationType: 'DynamicLibrary', driverType: 'UMDF', items: '    <ClCompile Include="dll.c" />' }),
    'umdf/user/dll.c': 'int DllMain(void) { return 1; }\n',
    'loose/Loose.c': NO_DEVICE_DRIVER,
    'leaky/leaky.c': LEAKING_DRIVER,
    'hangs/hangs.c': HANGING_DRIVER,
    'failing/failing.c': FAILING_DRIVER,
    [FAKE.shared]: vcxproj({ items: '    <ClCompile Include="..\\src\\entry.c" />' }),
    'general/split/src/entry.c': '#include <wdm.h>\n#include <dv_split_header.h>\nNTSTATUS DriverEntry(PDRIVER_OBJECT d, PUNICODE_STRING r) { return 0; }\n',
    [FAKE.event]: vcxproj({ items: '    <ClCompile Include="event.c" />' }),
    'general/event/wdm/event.c': REFUSING_DRIVER,
    'docs/notes.c': '/* no driver here */\nint helper(void) { return 0; }\n',
  };
  for (const [rel, text] of Object.entries(files)) {
    const path = join(root, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
}
