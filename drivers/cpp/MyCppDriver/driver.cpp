// MyCppDriver: loading, unloading and dispatch. DriverEntry keeps its C name (extern "C"); the rest
// is C++ and shows in the debugger as WinDbg shows it: MyCppDriver!DeviceState::Dispatch.
#include "mycppdriver.h"

extern "C" DRIVER_INITIALIZE DriverEntry;
static DRIVER_UNLOAD DriverUnload;
static DRIVER_DISPATCH DispatchAll;

RequestLog g_Log;
ULONG g_ConstructedBeforeEntry;

namespace {
UNICODE_STRING DeviceName = RTL_CONSTANT_STRING(L"\\Device\\MyCppDriver");
DeviceState *g_State = nullptr;
} // namespace

template <typename T, ULONG Capacity>
bool Ring<T, Capacity>::Push(const T &Value)
{
    if (m_Count == Capacity) {
        return false;
    }
    m_Items[(m_Head + m_Count) % Capacity] = Value;
    m_Count++;
    return true;
}

template <typename T, ULONG Capacity>
bool Ring<T, Capacity>::Pop(T &Value)
{
    if (m_Count == 0) {
        return false;
    }
    Value = m_Items[m_Head];
    m_Head = (m_Head + 1) % Capacity;
    m_Count--;
    return true;
}

extern "C" NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    g_State = new (std::nothrow) DeviceState();
    if (g_State == nullptr) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    PDEVICE_OBJECT Device = nullptr;
    NTSTATUS Status = IoCreateDevice(DriverObject, 0, &DeviceName, FILE_DEVICE_UNKNOWN, 0, FALSE, &Device);
    if (!NT_SUCCESS(Status)) {
        delete g_State;
        g_State = nullptr;
        return Status;
    }
    Device->Flags |= DO_BUFFERED_IO;
    for (auto &Major : DriverObject->MajorFunction) {
        Major = DispatchAll;
    }
    DriverObject->DriverUnload = DriverUnload;
    return STATUS_SUCCESS;
}

// The log is not cleared here: it is a global object, and its destructor runs after this returns.
static VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    IoDeleteDevice(DriverObject->DeviceObject);
    delete g_State;
    g_State = nullptr;
}

static NTSTATUS DispatchAll(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    return g_State->Dispatch(Irp);
}

NTSTATUS CompleteRequest(PIRP Irp, NTSTATUS Status, ULONG_PTR Information)
{
    Irp->IoStatus.Status = Status;
    Irp->IoStatus.Information = Information;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return Status;
}

NTSTATUS DeviceState::Dispatch(PIRP Irp)
{
    PIO_STACK_LOCATION Stack = IoGetCurrentIrpStackLocation(Irp);
    ULONG_PTR Information = 0;
    NTSTATUS Status;
    switch (Stack->MajorFunction) {
    case IRP_MJ_CREATE:
    case IRP_MJ_CLEANUP:
    case IRP_MJ_CLOSE:
        Status = STATUS_SUCCESS;
        break;
    case IRP_MJ_DEVICE_CONTROL:
        Status = DeviceControl(Irp, Stack, Information);
        break;
    case IRP_MJ_WRITE:
        Status = Write(Irp, Stack->Parameters.Write.Length, Information);
        break;
    case IRP_MJ_READ:
        Status = Read(Irp, Stack->Parameters.Read.Length, Information);
        break;
    default:
        Status = STATUS_INVALID_DEVICE_REQUEST;
        break;
    }
    g_Log.Append(Stack->MajorFunction, Status);
    return CompleteRequest(Irp, Status, Information);
}

NTSTATUS DeviceState::DeviceControl(PIRP Irp, PIO_STACK_LOCATION Stack, ULONG_PTR &Information)
{
    const auto &Parameters = Stack->Parameters.DeviceIoControl;
    void *Buffer = Irp->AssociatedIrp.SystemBuffer;
    SpinLockGuard Guard(m_Lock);
    switch (Parameters.IoControlCode) {
    case IOCTL_MYCPP_PUSH:
        if (Parameters.InputBufferLength < sizeof(ULONG)) {
            return STATUS_BUFFER_TOO_SMALL;
        }
        return m_Values.Push(*static_cast<ULONG *>(Buffer)) ? STATUS_SUCCESS : STATUS_INSUFFICIENT_RESOURCES;
    case IOCTL_MYCPP_POP: {
        ULONG Value = 0;
        if (Parameters.OutputBufferLength < sizeof(ULONG)) {
            return STATUS_BUFFER_TOO_SMALL;
        }
        if (!m_Values.Pop(Value)) {
            return STATUS_NO_MORE_ENTRIES;
        }
        *static_cast<ULONG *>(Buffer) = Value;
        Information = sizeof(ULONG);
        return STATUS_SUCCESS;
    }
    case IOCTL_MYCPP_QUERY: {
        if (Parameters.OutputBufferLength < sizeof(MYCPP_STATE)) {
            return STATUS_BUFFER_TOO_SMALL;
        }
        auto *State = static_cast<MYCPP_STATE *>(Buffer);
        State->ConstructedBeforeEntry = g_ConstructedBeforeEntry;
        State->Count = m_Values.Count();
        State->Logged = g_Log.Count();
        Information = sizeof(MYCPP_STATE);
        return STATUS_SUCCESS;
    }
    default:
        return STATUS_INVALID_DEVICE_REQUEST;
    }
}

// Each whole ULONG written is pushed; the count of bytes taken is the information.
NTSTATUS DeviceState::Write(PIRP Irp, ULONG Length, ULONG_PTR &Information)
{
    const auto *Values = static_cast<const ULONG *>(Irp->AssociatedIrp.SystemBuffer);
    SpinLockGuard Guard(m_Lock);
    for (ULONG i = 0; i < Length / sizeof(ULONG); i++) {
        if (!m_Values.Push(Values[i])) {
            break;
        }
        Information += sizeof(ULONG);
    }
    return STATUS_SUCCESS;
}

// As many whole ULONGs as fit are popped into the buffer.
NTSTATUS DeviceState::Read(PIRP Irp, ULONG Length, ULONG_PTR &Information)
{
    auto *Values = static_cast<ULONG *>(Irp->AssociatedIrp.SystemBuffer);
    SpinLockGuard Guard(m_Lock);
    for (ULONG i = 0; i < Length / sizeof(ULONG); i++) {
        if (!m_Values.Pop(Values[i])) {
            break;
        }
        Information += sizeof(ULONG);
    }
    return STATUS_SUCCESS;
}
