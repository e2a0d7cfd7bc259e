package geodesic.data;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The child JVM of {@link SvhnMutationTest}: with a small heap, reads every file of the {@code svhn} corpus as it is
 * and every mutant of its {@code seed-*} files, and writes one line per input that broke the reader contract
 * ({@code BROKEN}, the input, the throwable) and a final {@code TRIED} count to the result file.
 *
 * <p>Arguments: the scratch input file, the result file, the random seed of the mutations.
 */
final class SvhnFuzzChild {
    private static final int RANDOM = 200;

    private SvhnFuzzChild() {
    }

    public static void main(String[] args) throws IOException {
        Path file = Path.of(args[0]);
        long stream = Long.parseLong(args[2]);
        List<Mutations.Mutant> inputs = new ArrayList<>();
        for (Path p : FuzzCorpus.files("svhn")) {
            byte[] bytes = Files.readAllBytes(p);
            inputs.add(new Mutations.Mutant("corpus file " + p.getFileName(), bytes));
            // Found inputs are mutants already; mutating them again would double the run for little new ground.
            if (p.getFileName().toString().startsWith("seed-")) {
                inputs.addAll(Mutations.of(bytes, 200, RANDOM, stream++, bytes.length > 4096 ? 16 : 1));
            }
        }
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(Path.of(args[1]), StandardCharsets.UTF_8));
             FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            for (Mutations.Mutant m : inputs) {
                ch.truncate(0);
                ch.write(ByteBuffer.wrap(m.bytes()), 0);
                try {
                    SvhnReader.read(file, "fuzz");
                } catch (DatasetFormatException e) {
                    if (!e.getMessage().startsWith(file + ": ")) {
                        out.println("BROKEN\t" + m.description() + "\tmessage without the file: " + e.getMessage());
                    }
                } catch (Throwable t) {
                    out.println("BROKEN\t" + m.description() + "\t" + t);
                }
            }
            out.println("TRIED\t" + inputs.size());
        }
    }
}
