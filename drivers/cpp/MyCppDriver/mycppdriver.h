// MyCppDriver: the C++ sample. A device that keeps a ring of ULONG values (push and pop by IOCTL,
// bytes by write and read) and logs every request. Built with dv build like the C samples;
// `-D CPP_SAMPLE_LEAK_AT_UNLOAD` builds its leaky twin.
#pragma once
#include <ntddk.h>
#include <new>

#define MYCPP_TAG 'ppCm' // shows as "mCpp"

#define IOCTL_MYCPP_PUSH CTL_CODE(FILE_DEVICE_UNKNOWN, 0x800, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_MYCPP_POP CTL_CODE(FILE_DEVICE_UNKNOWN, 0x801, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_MYCPP_QUERY CTL_CODE(FILE_DEVICE_UNKNOWN, 0x802, METHOD_BUFFERED, FILE_ANY_ACCESS)

// What IOCTL_MYCPP_QUERY returns.
struct MYCPP_STATE {
    ULONG ConstructedBeforeEntry; // 1: the global log was constructed before DriverEntry ran
    ULONG Count;                  // values in the ring
    ULONG Logged;                 // requests in the log
};

// Holds a spin lock for the life of a scope: released on every way out.
class SpinLockGuard {
public:
    explicit SpinLockGuard(KSPIN_LOCK &Lock) : m_Lock(Lock) { KeAcquireSpinLock(&m_Lock, &m_OldIrql); }
    ~SpinLockGuard() { KeReleaseSpinLock(&m_Lock, m_OldIrql); }
    SpinLockGuard(const SpinLockGuard &) = delete;
    SpinLockGuard &operator=(const SpinLockGuard &) = delete;

private:
    KSPIN_LOCK &m_Lock;
    KIRQL m_OldIrql = PASSIVE_LEVEL;
};

// A fixed-capacity FIFO; the caller holds the lock.
template <typename T, ULONG Capacity>
class Ring {
public:
    bool Push(const T &Value);
    bool Pop(T &Value);
    ULONG Count() const { return m_Count; }

private:
    T m_Items[Capacity] = {};
    ULONG m_Head = 0;
    ULONG m_Count = 0;
};

// Every request the device saw, newest first, each in its own pool block.
class RequestLog {
public:
    RequestLog();
    ~RequestLog();
    void Append(ULONG MajorFunction, NTSTATUS Status);
    ULONG Count() const { return m_Count; }
    void Clear();

private:
    struct Entry {
        Entry(ULONG Major, NTSTATUS Result, Entry *Older) : MajorFunction(Major), Status(Result), Next(Older) {}
        ULONG MajorFunction;
        NTSTATUS Status;
        Entry *Next;
    };
    KSPIN_LOCK m_Lock;
    Entry *m_Newest = nullptr;
    ULONG m_Count = 0;
};

// The device's state, allocated with global new in DriverEntry.
class DeviceState {
public:
    NTSTATUS Dispatch(PIRP Irp);

private:
    NTSTATUS DeviceControl(PIRP Irp, PIO_STACK_LOCATION Stack, ULONG_PTR &Information);
    NTSTATUS Write(PIRP Irp, ULONG Length, ULONG_PTR &Information);
    NTSTATUS Read(PIRP Irp, ULONG Length, ULONG_PTR &Information);

    KSPIN_LOCK m_Lock{};
    Ring<ULONG, 16> m_Values;
};

extern RequestLog g_Log;
extern ULONG g_ConstructedBeforeEntry;
NTSTATUS CompleteRequest(PIRP Irp, NTSTATUS Status, ULONG_PTR Information = 0);
