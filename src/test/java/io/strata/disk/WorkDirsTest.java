package io.strata.disk;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

class WorkDirsTest {

    @Test
    void workDirsAreRecognisedByTheShapeOfTheirRunDirectories() {
        assertThat(WorkDirs.named(List.of(
                "/srv/strata/work/lite/run/nbd-image-stage1/fuse",
                "/srv/strata/work/lite/run/nbd-image-stage1/fuse/disk",
                "qemu-nbd --socket=/tmp/w/run/nbd-image-base/nbd.sock --format=qcow2 /tmp/w/image-base.qcow2",
                "vim /home/me/notes/run/nbd-ideas.txt",
                "/home/me/work/lite/rootfs",
                "sleep 300 /srv/strata/work/lite/")))
                .containsExactly(Path.of("/srv/strata/work/lite"), Path.of("/tmp/w"));
    }
}
