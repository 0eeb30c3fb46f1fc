package io.strata.engine;

import java.io.IOException;

import io.strata.exec.Command;

/** The user's terminal, for the interactive shell a patches directory's EDIT file asks for. */
interface Terminal {

    boolean interactive();

    /** Runs {@code command} attached to the terminal and waits for the user to leave it. */
    void shell(Command command) throws InterruptedException;

    Terminal SYSTEM = new Terminal() {
        @Override
        public boolean interactive() {
            return System.console() != null;
        }

        @Override
        public void shell(Command command) throws InterruptedException {
            ProcessBuilder builder = new ProcessBuilder(command.argv()).inheritIO();
            builder.environment().putAll(command.env());
            command.workingDirectory().ifPresent(d -> builder.directory(d.toFile()));
            try {
                builder.start().waitFor();
            } catch (IOException e) {
                throw new IllegalStateException("cannot start an interactive shell: " + e.getMessage(), e);
            }
        }
    };
}
