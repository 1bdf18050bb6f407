/*
 * initguid.h - include before the headers whose DEFINE_GUIDs should be defined in this file rather
 * than only declared (see guiddef.h).
 */
#define INITGUID
#include <guiddef.h>
