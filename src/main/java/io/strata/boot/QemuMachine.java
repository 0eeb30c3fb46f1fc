package io.strata.boot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.strata.exec.Command;
import io.strata.exec.CommandFailedException;
import io.strata.exec.ProcessRunner;

/**
 * A QEMU process with its serial console on standard input and output. It runs under
 * {@code setpriv --pdeathsig KILL}, so it dies with the JVM however the JVM ends; close() stops it.
 */
final class QemuMachine implements AutoCloseable {

    private final Process process;
    private final SerialConsole console;
    private final Thread hook;

    private QemuMachine(Process process) {
        this.process = process;
        this.console = new SerialConsole(process.getInputStream(), process.getOutputStream());
        this.hook = new Thread(this::kill, "qemu-stop");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    static QemuMachine start(ProcessRunner runner, List<String> qemuArgv) throws CommandFailedException {
        List<String> argv = new ArrayList<>(List.of("setpriv", "--pdeathsig", "KILL", "--"));
        argv.addAll(qemuArgv);
        return new QemuMachine(runner.startConversation(Command.of(argv)));
    }

    SerialConsole console() {
        return console;
    }

    /** Waits for QEMU to end by itself (the guest powered off); false when it still runs after {@code limit}. */
    boolean awaitExit(java.time.Duration limit) throws InterruptedException {
        return process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Whether /dev/kvm can run guests here: it exists, and the CPU offers vmx or svm (else guests hang). */
    static boolean kvmUsable() {
        Path kvm = Path.of("/dev/kvm");
        if (!Files.isReadable(kvm) || !Files.isWritable(kvm)) {
            return false;
        }
        try {
            String cpu = Files.readString(Path.of("/proc/cpuinfo"));
            return cpu.matches("(?s).*\\bflags\\s*:.*\\b(vmx|svm)\\b.*");
        } catch (IOException e) {
            return false;
        }
    }

    private void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        kill();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
    }
}
