/* driverspecs.h - the driver annotations (_IRQL_requires_..., __drv_...): defined away in sal.h. */
#include <sal.h>
