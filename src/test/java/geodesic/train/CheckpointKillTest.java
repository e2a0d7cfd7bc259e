package geodesic.train;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starts a child JVM that trains and writes a checkpoint after every step, kills it with SIGKILL at random moments
 * (half of the rounds the moment a temporary checkpoint file appears, i.e. mid-write), and checks after each kill
 * that every checkpoint in the directory reads back intact and that the newest is ahead of the previous round's:
 * the next child resumed from it.
 */
class CheckpointKillTest {
    private static final int ROUNDS = 6;
    private static final long CHILD_SECONDS = 60;

    @TempDir
    Path dir;

    @Test
    void sigkillAtRandomMomentsNeverLeavesACorruptCheckpoint() {
        assertTimeoutPreemptively(Duration.ofSeconds(100), () -> {
            SplittableRandom random = new SplittableRandom(20261128);
            Path checkpoints = Files.createDirectories(dir.resolve("checkpoints"));
            long previous = -1;
            int temporaryFilesLeft = 0;
            for (int round = 0; round < ROUNDS; round++) {
                Path log = dir.resolve("child-" + round + ".log");
                Process child = start(checkpoints, log);
                try {
                    awaitCheckpointAfter(checkpoints, previous, child, log);
                    if (round % 2 == 0) {
                        Thread.sleep(random.nextInt(1, 300));
                    } else {
                        awaitTemporaryFile(checkpoints, child, log);
                    }
                } finally {
                    child.destroyForcibly();
                    child.waitFor();
                }
                if (!temporaryFiles(checkpoints).isEmpty()) {
                    temporaryFilesLeft++;
                }
                long newest = -1;
                List<Path> complete = complete(checkpoints);
                assertTrue(!complete.isEmpty(), "round " + round + ": no checkpoint left");
                for (Path p : complete) {
                    try {
                        newest = Math.max(newest, CheckpointFile.read(p).progress().globalStep());
                    } catch (IOException e) {
                        fail("round " + round + ": checkpoint " + p.getFileName() + " is damaged after SIGKILL: "
                                + e.getMessage());
                    }
                }
                assertTrue(newest > previous, "round " + round + ": newest checkpoint is step " + newest
                        + ", the previous round's was " + previous);
                previous = newest;
            }
            assertTrue(temporaryFilesLeft > 0, "no kill landed mid-write in " + ROUNDS
                    + " rounds, so the test did not exercise an interrupted write");
        });
    }

    private static Process start(Path checkpoints, Path log) throws IOException {
        String java = ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), CheckpointKillChild.class.getName(),
                checkpoints.toString(), Long.toString(CHILD_SECONDS)));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** Waits until the child has written a checkpoint past {@code step}, i.e. it resumed and made progress. */
    private static void awaitCheckpointAfter(Path checkpoints, long step, Process child, Path log) throws Exception {
        String after = CheckpointDirectory.fileName(step);
        while (true) {
            for (Path p : complete(checkpoints)) {
                if (p.getFileName().toString().compareTo(after) > 0) {
                    return;
                }
            }
            requireAlive(child, log);
            Thread.sleep(2);
        }
    }

    private static void awaitTemporaryFile(Path checkpoints, Process child, Path log) throws Exception {
        while (temporaryFiles(checkpoints).isEmpty()) {
            requireAlive(child, log);
            Thread.onSpinWait();
        }
    }

    private static void requireAlive(Process child, Path log) throws IOException {
        if (!child.isAlive()) {
            fail("the child JVM exited with status " + child.exitValue() + ":\n" + Files.readString(log));
        }
    }

    private static List<Path> complete(Path checkpoints) throws IOException {
        return list(checkpoints, "checkpoint-*" + CheckpointFile.EXTENSION);
    }

    private static List<Path> temporaryFiles(Path checkpoints) throws IOException {
        return list(checkpoints, ".checkpoint-*.tmp");
    }

    private static List<Path> list(Path checkpoints, String glob) throws IOException {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(checkpoints, glob)) {
            s.forEach(out::add);
        }
        return out;
    }
}
