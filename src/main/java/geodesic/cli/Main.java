package geodesic.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Arrays;
import java.util.List;

/** Entry point of {@code bin/geodesic}: {@code info | train | bench | experiment}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs one command and returns the process exit status: 0 on success, 2 for a usage mistake, 1 for an error the
     * user can act on (missing data, a file that cannot be read or written, divergence), each printed as one line
     * on {@code err}, never a stack trace.
     */
    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
            out.println("usage: geodesic info|train|bench|experiment [options]");
            return args.length == 0 ? 2 : 0;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        try {
            switch (args[0]) {
                case "info" -> {
                    return InfoCommand.run(List.of(rest), out);
                }
                case "train" -> {
                    return TrainCommand.run(List.of(rest), out, err);
                }
                case "bench" -> {
                    return BenchCommand.run(List.of(rest), out);
                }
                case "experiment" -> {
                    return ExperimentCommand.run(List.of(rest), out);
                }
                default -> {
                    err.println("geodesic: unknown command '" + args[0] + "' (expected info, train, bench or experiment)");
                    return 2;
                }
            }
        } catch (UsageException e) {
            err.println("geodesic: " + e.getMessage());
            return 2;
        } catch (IOException | UncheckedIOException | IllegalArgumentException | ArithmeticException e) {
            // Missing data, unreadable files, invalid configurations, divergence: the user's to fix, so one line.
            err.println("geodesic: error: " + describe(e));
            return 1;
        }
    }

    /**
     * The message, completed with what went wrong when it came from a file-system exception whose message is only
     * a path, e.g. {@code "cannot write runs/x/metrics.csv: runs/x: not a directory"}.
     */
    static String describe(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof FileSystemException f && f.getReason() == null) {
                String reason = switch (f) {
                    case NoSuchFileException x -> "no such file or directory";
                    case AccessDeniedException x -> "permission denied";
                    case FileAlreadyExistsException x -> "already exists";
                    case NotDirectoryException x -> "not a directory";
                    case DirectoryNotEmptyException x -> "directory not empty";
                    default -> f.getClass().getSimpleName();
                };
                return message + ": " + reason;
            }
        }
        return message;
    }
}
