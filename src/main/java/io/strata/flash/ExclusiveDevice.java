package io.strata.flash;

import java.nio.file.Path;

import io.strata.config.BadInputException;
import jnr.constants.platform.Errno;
import jnr.constants.platform.OpenFlags;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;

/**
 * A block device opened with O_EXCL: the kernel refuses the open while anything claims the device
 * (a mount, swap, device-mapper, md, another exclusive writer), which is the last word on "in use"
 * whatever sysfs showed a moment before, and refuses such claims while it is held. Plain opens
 * (blockdev, reading back) still work; another O_EXCL open, as bmaptool's, does not.
 */
final class ExclusiveDevice implements AutoCloseable {

    /** For a file target: nothing to hold. */
    static final ExclusiveDevice NONE = new ExclusiveDevice(-1);

    private static final POSIX POSIX = POSIXFactory.getNativePOSIX();

    private final int fd;

    private ExclusiveDevice(int fd) {
        this.fd = fd;
    }

    static ExclusiveDevice open(Path device) throws BadInputException {
        int fd = POSIX.open(device.toString(), OpenFlags.O_RDONLY.intValue() | OpenFlags.O_EXCL.intValue(), 0);
        if (fd < 0) {
            int errno = POSIX.errno();
            String why = errno == Errno.EBUSY.intValue() ? "the kernel says it is busy: something holds it (a mount, "
                    + "swap, LVM, LUKS or md, perhaps in another namespace); release it first"
                    : Errno.valueOf(errno).description();
            throw new BadInputException("--flash: " + device + " cannot be opened exclusively: " + why);
        }
        return new ExclusiveDevice(fd);
    }

    @Override
    public void close() {
        if (fd >= 0) {
            POSIX.close(fd);
        }
    }
}
