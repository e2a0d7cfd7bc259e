package geodesic.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/** Entry point of {@code bin/geodesic}: {@code info | train | bench | experiment}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one command and returns the process exit status; user mistakes print one line, not a stack trace. */
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
                default -> {
                    err.println("geodesic: unknown command '" + args[0] + "' (expected info, train, bench or experiment)");
                    return 2;
                }
            }
        } catch (UsageException e) {
            err.println("geodesic: " + e.getMessage());
            return 2;
        }
    }
}
