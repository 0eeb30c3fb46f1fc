package io.strata.exec;

/** How a process ended: an exit code, or the signal that killed it. */
public record ExitStatus(int code, int signal) {

    public static ExitStatus exited(int code) {
        return new ExitStatus(code, 0);
    }

    public static ExitStatus killedBy(int signal) {
        return new ExitStatus(-1, signal);
    }

    /** Decodes a POSIX wait status as waitpid(2) returns it (an {@code exit 1} reads as 256). */
    public static ExitStatus fromWaitStatus(long status) {
        int raw = (int) status;
        int termSignal = raw & 0x7f;
        return termSignal == 0 ? exited((raw >> 8) & 0xff) : killedBy(termSignal);
    }

    public boolean succeeded() {
        return signal == 0 && code == 0;
    }

    @Override
    public String toString() {
        return signal == 0 ? "exit code " + code : "killed by signal " + signal;
    }
}
