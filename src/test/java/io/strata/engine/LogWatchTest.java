package io.strata.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;

class LogWatchTest {

    private final StringWriter console = new StringWriter();
    private final LogWatch watch = new LogWatch(new PrintWriter(console));

    @Test
    void fatalSignsAreReportedAtOnceWithTheirLine() {
        watch.check("Unpacking less (590-2) ...");
        watch.check("dpkg: error processing package foo (--configure):");
        watch.check("cp: error writing '/x': No space left on device");
        watch.check("run-parts: /etc/kernel/postinst.d/initramfs-tools exited with return code 1");
        watch.check("E: Unable to locate package nosuchpackage");
        watch.check("Error: Unable to locate package trixiesapt"); // APT 3 (trixie) spells it out
        assertThat(console.toString().lines()).containsExactly(
                "strata: watch: dpkg error: dpkg: error processing package foo (--configure):",
                "strata: watch: disk full: cp: error writing '/x': No space left on device",
                "strata: watch: kernel hook failed: run-parts: /etc/kernel/postinst.d/initramfs-tools exited with return code 1",
                "strata: watch: package missing: E: Unable to locate package nosuchpackage",
                "strata: watch: package missing: Error: Unable to locate package trixiesapt");
    }

    @Test
    void aLineIsReportedOnceAndReportsStopAtTheLimit() {
        for (int i = 0; i < 3; i++) {
            watch.check("No space left on device");
        }
        assertThat(console.toString().lines()).hasSize(1);
        for (int i = 0; i < 50; i++) {
            watch.check("write " + i + ": No space left on device");
        }
        assertThat(console.toString().lines()).hasSize(LogWatch.MAX_REPORTS);
    }

    @Test
    void ordinaryOutputIsNotReported() {
        watch.check("Setting up linux-image-6.1.0-28-amd64 (6.1.119-1) ...");
        watch.check("update-initramfs: deferred; Strata builds the initramfs once when the stage ends");
        watch.check("run-parts: /etc/kernel/postinst.d/zz-update-grub exited with return code 0");
        assertThat(console.toString()).isEmpty();
    }
}
