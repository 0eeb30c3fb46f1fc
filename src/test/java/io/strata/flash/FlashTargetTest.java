package io.strata.flash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.strata.config.BadInputException;

/**
 * What --flash may write, decided over a made-up sysfs tree (as /sys/class/block shows disks,
 * partitions, device-mapper and md devices with their holders and slaves), mountinfo and swaps.
 */
class FlashTargetTest {

    private static final long IMAGE = 1L << 30;

    @TempDir
    Path root;
    private BlockDevices devices;
    private final List<String> mounts = new ArrayList<>();
    private final List<String> swaps = new ArrayList<>(List.of("Filename Type Size Used Priority"));

    @BeforeEach
    void aHostWithASystemDiskAndACard() throws Exception {
        disk("vda", "254:0", false);
        partition("vda", "vda1", "254:1");
        disk("sdb", "8:16", true);
        partition("sdb", "sdb1", "8:17");
        partition("sdb", "sdb2", "8:18");
        mount("/", "254:1");
        devices = new BlockDevices(root.resolve("class/block"), root.resolve("mountinfo"), root.resolve("swaps"));
    }

    private Path disk(String name, String number, boolean removable) throws Exception {
        Path dir = Files.createDirectories(root.resolve("devices").resolve(name));
        Files.writeString(dir.resolve("dev"), number + "\n");
        Files.writeString(dir.resolve("size"), String.valueOf(8L << 21) + "\n"); // 8 GiB in sectors
        Files.writeString(dir.resolve("removable"), removable ? "1\n" : "0\n");
        link(name, dir);
        return dir;
    }

    private Path partition(String disk, String name, String number) throws Exception {
        Path dir = Files.createDirectories(root.resolve("devices").resolve(disk).resolve(name));
        Files.writeString(dir.resolve("dev"), number + "\n");
        Files.writeString(dir.resolve("size"), String.valueOf(1L << 21) + "\n");
        Files.writeString(dir.resolve("partition"), "1\n");
        link(name, dir);
        return dir;
    }

    /** A device-mapper or md device built on {@code slaves}, each of which then lists it as a holder. */
    private Path virtual(String name, String number, String kind, String dmName, String... slaves) throws Exception {
        Path dir = Files.createDirectories(root.resolve("devices/virtual").resolve(name));
        Files.writeString(dir.resolve("dev"), number + "\n");
        Files.writeString(dir.resolve("size"), String.valueOf(1L << 21) + "\n");
        if (kind.equals("md")) {
            Files.createDirectories(dir.resolve("md"));
        } else {
            Files.createDirectories(dir.resolve("dm"));
            Files.writeString(dir.resolve("dm/name"), dmName + "\n");
            Files.writeString(dir.resolve("dm/uuid"), kind + "-0123456789\n");
        }
        for (String slave : slaves) {
            Files.createDirectories(dir.resolve("slaves"));
            Files.createSymbolicLink(dir.resolve("slaves").resolve(slave), root.resolve("class/block").resolve(slave));
            Path holders = Files.createDirectories(root.resolve("class/block").resolve(slave).toRealPath().resolve("holders"));
            Files.createSymbolicLink(holders.resolve(name), dir);
        }
        link(name, dir);
        return dir;
    }

    private void link(String name, Path dir) throws Exception {
        Files.createDirectories(root.resolve("class/block"));
        Files.createSymbolicLink(root.resolve("class/block").resolve(name), dir);
    }

    private void mount(String point, String number) throws Exception {
        mounts.add("3" + mounts.size() + " 1 " + number + " / " + point + " rw,relatime - ext4 /dev/x rw");
        Files.write(root.resolve("mountinfo"), mounts);
        Files.write(root.resolve("swaps"), swaps);
    }

    private void swap(String device) throws Exception {
        swaps.add(device + " partition 1048572 0 -2");
        Files.write(root.resolve("swaps"), swaps);
    }

    private FlashTarget decide(String name, boolean force) throws Exception {
        return FlashTarget.decide(Path.of("/dev/" + name), name, IMAGE, force, devices);
    }

    private String refusal(String name, boolean force) {
        return assertThatThrownBy(() -> decide(name, force)).isInstanceOf(BadInputException.class).actual().getMessage();
    }

    @Test
    void aRemovableCardThatHoldsNothingIsWrittenAndItsPartitionsNamed() throws Exception {
        FlashTarget card = decide("sdb", false);
        assertThat(card.kind()).isEqualTo(FlashTarget.Kind.REMOVABLE_DISK);
        assertThat(card.holds()).containsExactly("/dev/sdb1 (1.0 GiB)", "/dev/sdb2 (1.0 GiB)");
    }

    @Test
    void theRunningSystemsDiskIsNeverWrittenEvenWithForce() {
        assertThat(refusal("vda", true)).contains("holds the running system", "/ is mounted from it");
        assertThat(refusal("vda1", true)).contains("holds the running system");
    }

    @Test
    void aDiskWhoseRootIsOnLvmOverItsPartitionIsTheRunningSystem() throws Exception {
        disk("sdc", "8:32", false);
        partition("sdc", "sdc1", "8:33");
        virtual("dm-0", "253:0", "LVM", "vg-root", "sdc1");
        mount("/", "253:0");
        assertThat(refusal("sdc", true)).contains("holds the running system", "/ is mounted from it");
    }

    @Test
    void aPartitionUsedByLvmRefusesTheWholeDiskSayingWhat() throws Exception {
        virtual("dm-1", "253:1", "LVM", "vg-data", "sdb2");
        assertThat(refusal("sdb", true)).contains("/dev/sdb2 is held by an LVM volume (vg-data)", "vgchange -an");
    }

    @Test
    void anOpenLuksMappingRefusesTheCardAndNamesWhereItIsMounted() throws Exception {
        virtual("dm-2", "253:2", "CRYPT", "secret", "sdb1");
        mount("/media/secret", "253:2");
        assertThat(refusal("sdb", true)).contains("/dev/sdb1 is held by a LUKS/dm-crypt mapping (secret)",
                "/media/secret is mounted from /dev/dm-2", "cryptsetup close");
    }

    @Test
    void anMdArrayMemberIsRefusedAndTheArrayItselfIsNoTarget() throws Exception {
        virtual("md0", "9:0", "md", null, "sdb1", "sdb2");
        assertThat(refusal("sdb", true)).contains("/dev/sdb1 is held by an md RAID array (/dev/md0)");
        assertThat(refusal("md0", true)).contains("is an md RAID array (/dev/md0) built on /dev/sdb1, /dev/sdb2");
    }

    @Test
    void aPartitionInUseAsSwapOrMountedRefusesTheDisk() throws Exception {
        swap("/dev/sdb2");
        assertThat(refusal("sdb", true)).contains("/dev/sdb2 is swap", "swapoff");
        Files.write(root.resolve("swaps"), List.of("Filename Type Size Used Priority"));
        mount("/media/card", "8:17");
        assertThat(refusal("sdb", true)).contains("/media/card is mounted from /dev/sdb1", "umount");
    }

    @Test
    void aFixedDiskOrAPartitionNeedsForceAndATooSmallCardIsRefused() throws Exception {
        disk("sdd", "8:48", false);
        assertThat(refusal("sdd", false)).contains("a disk the kernel does not call removable", "--force");
        assertThat(decide("sdd", true).kind()).isEqualTo(FlashTarget.Kind.OTHER_DEVICE);
        assertThat(refusal("sdb1", false)).contains("a partition, not a whole disk");
        Files.writeString(root.resolve("devices/sdb/size"), "1024\n");
        assertThat(refusal("sdb", false)).contains("holds 0.5 MiB", "the image needs 1.0 GiB");
    }
}
