/* wctype.h - wide character classes: declared in wchar.h. */
#include <wchar.h>
