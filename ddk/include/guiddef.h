/*
 * guiddef.h - GUID and DEFINE_GUID. DEFINE_GUID declares the GUID (an extern) unless INITGUID is
 * defined, which <initguid.h> does: then it defines it, as a selectany (weak) object so that every
 * file that includes initguid.h may define the same GUID and the image keeps one. Like the WDK's,
 * the DEFINE_GUID part is outside the include guard: including initguid.h later switches modes.
 */
#ifndef DV_GUIDDEF_H
#define DV_GUIDDEF_H

#ifndef GUID_DEFINED
#define GUID_DEFINED
typedef struct _GUID {
  unsigned long Data1;
  unsigned short Data2;
  unsigned short Data3;
  unsigned char Data4[8];
} GUID;
#endif
_Static_assert(sizeof(GUID) == 16, "GUID is 16 bytes");

typedef GUID *LPGUID, *PGUID;
typedef const GUID *LPCGUID, *PCGUID;
typedef GUID IID, CLSID, FMTID;
typedef IID *LPIID;
typedef CLSID *LPCLSID;
typedef FMTID *LPFMTID;

#ifdef __cplusplus
#define REFGUID const GUID &
#define REFIID const IID &
#define REFCLSID const CLSID &
#define REFFMTID const FMTID &
#define DV_GUID_REF(x) (&(x))
#else
#define REFGUID const GUID *
#define REFIID const IID *
#define REFCLSID const CLSID *
#define REFFMTID const FMTID *
#define DV_GUID_REF(x) (x)
#endif

/* TRUE when the two GUIDs are the same 16 bytes. */
#define InlineIsEqualGUID(rguid1, rguid2) (__builtin_memcmp(DV_GUID_REF(rguid1), DV_GUID_REF(rguid2), sizeof(GUID)) == 0)
#define IsEqualGUID(rguid1, rguid2) InlineIsEqualGUID(rguid1, rguid2)
#define IsEqualIID(riid1, riid2) IsEqualGUID(riid1, riid2)
#define IsEqualCLSID(rclsid1, rclsid2) IsEqualGUID(rclsid1, rclsid2)
#define IsEqualFMTID(rfmtid1, rfmtid2) IsEqualGUID(rfmtid1, rfmtid2)

#endif /* DV_GUIDDEF_H */

#ifdef DEFINE_GUID
#undef DEFINE_GUID
#endif
/* C linkage in both modes, as the WDK's EXTERN_C: a header read before and after initguid.h declares one GUID. */
#ifdef __cplusplus
#define DV_GUID_LINKAGE extern "C"
#else
#define DV_GUID_LINKAGE
#endif
#ifdef INITGUID
#define DEFINE_GUID(name, l, w1, w2, b1, b2, b3, b4, b5, b6, b7, b8) \
  DV_GUID_LINKAGE const GUID __attribute__((weak)) name = { l, w1, w2, { b1, b2, b3, b4, b5, b6, b7, b8 } }
#elif defined(__cplusplus)
#define DEFINE_GUID(name, l, w1, w2, b1, b2, b3, b4, b5, b6, b7, b8) extern "C" const GUID name
#else
#define DEFINE_GUID(name, l, w1, w2, b1, b2, b3, b4, b5, b6, b7, b8) extern const GUID name
#endif
#ifndef DEFINE_OLEGUID
#define DEFINE_OLEGUID(name, l, w1, w2) DEFINE_GUID(name, l, w1, w2, 0xC0, 0, 0, 0, 0, 0, 0, 0x46)
#endif
