/*
 * gpio.h - what a client of GPIO pins sends to the pins it opened through the resource hub
 * (reshub.h): read and write the pins of its connection, as one bit field (bit n is the n-th pin
 * of the connection's descriptor). Our own text, after the DDI reference.
 */
#ifndef DV_GPIO_H
#define DV_GPIO_H

#include <devioctl.h>

#define DV_GPIO_IOCTL(Function) CTL_CODE(FILE_DEVICE_GPIO, (Function), METHOD_BUFFERED, FILE_ANY_ACCESS)
/* Output buffer: the input pins' values. */
#define IOCTL_GPIO_READ_PINS DV_GPIO_IOCTL(0x0)
/* Input buffer: the values for the output pins (the output buffer, if any, reads them back). */
#define IOCTL_GPIO_WRITE_PINS DV_GPIO_IOCTL(0x1)
#define IOCTL_GPIO_CONTROLLER_SPECIFIC_FUNCTION DV_GPIO_IOCTL(0x2)
/* Apply a function-config connection's pin settings (pin muxing). */
#define IOCTL_GPIO_COMMIT_FUNCTION_CONFIG_PINS DV_GPIO_IOCTL(0x4)

#endif /* DV_GPIO_H */
