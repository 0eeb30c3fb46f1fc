package io.strata.engine;

import io.strata.exec.Command;
import io.strata.exec.CommandFailedException;
import io.strata.exec.ProcessRunner;

/** The user's terminal, for the interactive shell a patches directory's EDIT file asks for. */
interface Terminal {

    boolean interactive();

    /** Runs {@code command} attached to the terminal and waits for the user to leave it. */
    void shell(Command command) throws InterruptedException;

    /** The terminal the build runs on, if any; the shell runs through {@code runner}, as every command does. */
    static Terminal of(ProcessRunner runner) {
        return new Terminal() {
            @Override
            public boolean interactive() {
                return System.console() != null;
            }

            @Override
            public void shell(Command command) throws InterruptedException {
                try {
                    runner.runAttached(command);
                } catch (CommandFailedException e) {
                    throw new IllegalStateException("cannot start an interactive shell: " + e.getMessage(), e);
                }
            }
        };
    }
}
