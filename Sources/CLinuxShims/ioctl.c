#include "CLinuxShims.h"

#include <sys/ioctl.h>

int clinux_ioctl(int fd, unsigned long request, void *arg) {
    return ioctl(fd, request, arg);
}
