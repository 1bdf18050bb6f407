/*
 * dv/list.h - the LIST_ENTRY and SINGLE_LIST_ENTRY routines (inline, as in wdm.h).
 *
 * As in Windows 8 and later, the doubly linked routines check that the neighbours point back before
 * they relink, and stop the machine with KERNEL_SECURITY_CHECK_FAILURE (0x139, Parameter 1 = 3,
 * FAST_FAIL_CORRUPT_LIST_ENTRY) when they do not: a double remove or an overwritten link is caught at
 * the operation instead of much later. Define NO_KERNEL_LIST_ENTRY_CHECKS to turn the checks off.
 */
#ifndef DV_LIST_H
#define DV_LIST_H

#ifdef NO_KERNEL_LIST_ENTRY_CHECKS
#define DV_CHECK_LIST(ok, entry) ((void)0)
#else
#define DV_CHECK_LIST(ok, entry) \
  ((ok) ? (void)0 : KeBugCheckEx(KERNEL_SECURITY_CHECK_FAILURE, FAST_FAIL_CORRUPT_LIST_ENTRY, (ULONG_PTR)(entry), 0, 0))
#endif

FORCEINLINE VOID InitializeListHead(_Out_ PLIST_ENTRY ListHead) {
  ListHead->Flink = ListHead->Blink = ListHead;
}

FORCEINLINE BOOLEAN IsListEmpty(_In_ const LIST_ENTRY *ListHead) {
  return (BOOLEAN)(ListHead->Flink == ListHead);
}

/* TRUE when the list is empty afterwards. */
FORCEINLINE BOOLEAN RemoveEntryList(_In_ PLIST_ENTRY Entry) {
  PLIST_ENTRY Flink = Entry->Flink;
  PLIST_ENTRY Blink = Entry->Blink;
  DV_CHECK_LIST(Flink->Blink == Entry && Blink->Flink == Entry, Entry);
  Blink->Flink = Flink;
  Flink->Blink = Blink;
  return (BOOLEAN)(Flink == Blink);
}

FORCEINLINE PLIST_ENTRY RemoveHeadList(_Inout_ PLIST_ENTRY ListHead) {
  PLIST_ENTRY Entry = ListHead->Flink;
  PLIST_ENTRY Flink = Entry->Flink;
  DV_CHECK_LIST(Entry->Blink == ListHead && Flink->Blink == Entry, ListHead);
  ListHead->Flink = Flink;
  Flink->Blink = ListHead;
  return Entry;
}

FORCEINLINE PLIST_ENTRY RemoveTailList(_Inout_ PLIST_ENTRY ListHead) {
  PLIST_ENTRY Entry = ListHead->Blink;
  PLIST_ENTRY Blink = Entry->Blink;
  DV_CHECK_LIST(Entry->Flink == ListHead && Blink->Flink == Entry, ListHead);
  ListHead->Blink = Blink;
  Blink->Flink = ListHead;
  return Entry;
}

FORCEINLINE VOID InsertTailList(_Inout_ PLIST_ENTRY ListHead, _Out_ PLIST_ENTRY Entry) {
  PLIST_ENTRY Blink = ListHead->Blink;
  DV_CHECK_LIST(Blink->Flink == ListHead, ListHead);
  Entry->Flink = ListHead;
  Entry->Blink = Blink;
  Blink->Flink = Entry;
  ListHead->Blink = Entry;
}

FORCEINLINE VOID InsertHeadList(_Inout_ PLIST_ENTRY ListHead, _Out_ PLIST_ENTRY Entry) {
  PLIST_ENTRY Flink = ListHead->Flink;
  DV_CHECK_LIST(Flink->Blink == ListHead, ListHead);
  Entry->Flink = Flink;
  Entry->Blink = ListHead;
  Flink->Blink = Entry;
  ListHead->Flink = Entry;
}

/* Splice the list ListToAppend (a first entry, not a head) before ListHead. */
FORCEINLINE VOID AppendTailList(_Inout_ PLIST_ENTRY ListHead, _Inout_ PLIST_ENTRY ListToAppend) {
  PLIST_ENTRY ListEnd = ListHead->Blink;
  ListHead->Blink->Flink = ListToAppend;
  ListHead->Blink = ListToAppend->Blink;
  ListToAppend->Blink->Flink = ListHead;
  ListToAppend->Blink = ListEnd;
}

FORCEINLINE PSINGLE_LIST_ENTRY PopEntryList(_Inout_ PSINGLE_LIST_ENTRY ListHead) {
  PSINGLE_LIST_ENTRY FirstEntry = ListHead->Next;
  if (FirstEntry != NULL) ListHead->Next = FirstEntry->Next;
  return FirstEntry;
}

FORCEINLINE VOID PushEntryList(_Inout_ PSINGLE_LIST_ENTRY ListHead, _Inout_ PSINGLE_LIST_ENTRY Entry) {
  Entry->Next = ListHead->Next;
  ListHead->Next = Entry;
}

#endif /* DV_LIST_H */
