/* specstrings.h - the older annotation names: defined away in sal.h. */
#include <sal.h>
