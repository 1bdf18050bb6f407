/* pshpack4.h - structures that follow are packed to 4-byte boundaries, until <poppack.h>. */
#pragma pack(push, 4)
