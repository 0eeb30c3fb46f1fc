package io.strata.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runners against real short-lived children. */
class ProcessRunnerTest {

    private final List<String> logged = new CopyOnWriteArrayList<>();
    private final SystemProcessRunner runner = new SystemProcessRunner(logged::add);

    @Test
    void bothStreamsReachTheLogAndStdoutIsKeptApart() throws Exception {
        CommandResult result = runner.run(Command.of("bash", "-c", "echo out; echo err >&2; exit 3"));
        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.stdout()).isEqualTo("out\n");
        assertThat(logged).containsExactlyInAnyOrder("out", "err");
        assertThat(result.tail()).containsExactlyInAnyOrder("out", "err");
    }

    @Test
    void aFailedCheckNamesTheCommandDirectoryCodeAndTail(@TempDir Path dir) {
        assertThatThrownBy(() -> runner.check(Command.of("bash", "-c", "echo boom; exit 4").inDirectory(dir)))
                .isInstanceOf(CommandFailedException.class)
                .hasMessageContaining("exited with code 4").hasMessageContaining(dir.toString()).hasMessageContaining("boom");
    }

    @Test
    void theTailKeepsTheLastThirtyLines() throws Exception {
        CommandResult result = runner.run(Command.of("seq", "1", "100"));
        assertThat(result.tail()).hasSize(30).startsWith("71").endsWith("100");
    }

    @Test
    void environmentDirectoryAndStdinArePassed(@TempDir Path dir) throws Exception {
        Path input = Files.writeString(dir.resolve("in"), "from stdin\n");
        String out = runner.output(Command.of("bash", "-c", "echo \"$GREETING $(pwd)\"; cat")
                .withEnv(java.util.Map.of("GREETING", "hello")).inDirectory(dir).withStdin(input));
        assertThat(out).isEqualTo("hello " + dir + "\nfrom stdin");
    }

    @Test
    void aTimeoutStopsTheCommand() {
        assertThatThrownBy(() -> runner.run(Command.of("sleep", "30").withTimeout(Duration.ofMillis(300))))
                .isInstanceOf(CommandFailedException.class).hasMessageContaining("did not finish within");
    }

    @Test
    void aMissingProgramFailsClearly() {
        assertThatThrownBy(() -> runner.run(Command.of("no-such-program-xyz")))
                .isInstanceOf(CommandFailedException.class).hasMessageContaining("could not start");
    }

    @Test
    void jnrDaemonDecodesExitCodesAndStops() throws Exception {
        JnrDaemon exits = JnrDaemon.start(List.of("sh", "-c", "echo started; exit 3"), logged::add);
        assertThat(exits.awaitExit(Duration.ofSeconds(10))).isTrue();
        assertThat(exits.exitStatus()).isEqualTo(ExitStatus.exited(3));

        JnrDaemon sleeper = JnrDaemon.start(List.of("sleep", "60"), logged::add);
        assertThat(sleeper.isAlive()).isTrue();
        assertThat(ProcessHandle.of(sleeper.pid())).isPresent();
        assertThat(sleeper.stop(Duration.ofSeconds(5))).isEqualTo(ExitStatus.killedBy(15));
        assertThat(ProcessHandle.of(sleeper.pid()).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(logged).contains("started");
    }

    @Test
    void jnrDaemonRefusesAMissingProgram() {
        assertThatThrownBy(() -> JnrDaemon.start(List.of("no-such-daemon-xyz"), logged::add))
                .hasMessageContaining("is not installed");
    }

    @Test
    void waitStatusesDecodeAsWaitpidWritesThem() {
        assertThat(ExitStatus.fromWaitStatus(256)).isEqualTo(ExitStatus.exited(1));
        assertThat(ExitStatus.fromWaitStatus(0)).isEqualTo(ExitStatus.exited(0));
        assertThat(ExitStatus.fromWaitStatus(9)).isEqualTo(ExitStatus.killedBy(9));
        assertThat(ExitStatus.fromWaitStatus(15 | 0x80)).isEqualTo(ExitStatus.killedBy(15));
    }

    @Test
    void commandsDisplayQuotedAsAShellWould() {
        assertThat(Command.of("echo", "a b", "it's", "plain-1").display()).isEqualTo("echo 'a b' 'it'\\''s' plain-1");
    }

    @Test
    void standardOutputCanGoToAFileWithoutAShell(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out.txt");
        CommandResult result = runner.run(Command.of("bash", "-c", "printf 'a b\\n'; echo to-the-log >&2").withStdout(out));
        assertThat(result.succeeded()).isTrue();
        assertThat(out).hasContent("a b");
        assertThat(logged).containsExactly("to-the-log");
    }

    @Test
    void aSignalledChildIsDecodedAsEverywhere() throws Exception {
        BackgroundProcess sleeper = runner.start(Command.of("sleep", "30"));
        assertThat(sleeper.stop(Duration.ofSeconds(5))).isEqualTo(ExitStatus.killedBy(15));
        BackgroundProcess daemon = runner.startDaemon(Command.of("sleep", "30"));
        assertThat(daemon.stop(Duration.ofSeconds(5))).isEqualTo(ExitStatus.killedBy(15));
    }
}
