package geodesic.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** The fallback chain: failures and wrong answers move on to the next solver, bad input never does. */
class RobustEigensolverTest {
    private static final int N = 24;
    private static final double[] MATRIX = TestMatrices.randomSymmetric(N, 42);

    /** A stage whose answer is computed by {@code body}; counts its calls. */
    private static final class FakeSolver implements SymmetricEigensolver {
        final String name;
        final BiFunction<double[], Integer, SymmetricEigen> body;
        final AtomicInteger calls = new AtomicInteger();

        FakeSolver(String name, BiFunction<double[], Integer, SymmetricEigen> body) {
            this.name = name;
            this.body = body;
        }

        @Override
        public SymmetricEigen decompose(double[] a, int n) {
            calls.incrementAndGet();
            return body.apply(a, n);
        }

        @Override
        public SymmetricEigen decompose(float[] a, int n) {
            throw new UnsupportedOperationException("the chain widens float input before calling its stages");
        }

        @Override
        public String name() {
            return name;
        }
    }

    private static FakeSolver failing(String name) {
        return new FakeSolver(name, (a, n) -> {
            throw new ArithmeticException(name + " did not converge");
        });
    }

    private static FakeSolver correct(String name) {
        return new FakeSolver(name, (a, n) -> SymmetricEigensolver.pureJava().decompose(a, n));
    }

    /** A correct decomposition corrupted by {@code corruption(values, vectors)}. */
    private static FakeSolver corrupting(String name, BiFunction<double[], double[], Void> corruption) {
        return new FakeSolver(name, (a, n) -> {
            SymmetricEigen e = SymmetricEigensolver.pureJava().decompose(a, n);
            double[] values = e.values();
            double[] vectors = e.vectors();
            corruption.apply(values, vectors);
            return SymmetricEigen.of(n, values, vectors);
        });
    }

    @Test
    void aThrowingStageFallsBackToTheNext() {
        FakeSolver broken = failing("broken");
        FakeSolver good = correct("good");
        SymmetricEigen e = SymmetricEigensolver.robust(List.of(broken, good)).decompose(MATRIX, N);
        assertEquals(1, broken.calls.get());
        assertEquals(1, good.calls.get());
        assertArrayEquals(SymmetricEigensolver.pureJava().decompose(MATRIX, N).values(), e.values());
    }

    @Test
    void wrongAnswersAreDetectedAndRetried() {
        List<FakeSolver> liars = List.of(
                corrupting("shifted", (v, u) -> { v[3] += 1e-3; return null; }),
                corrupting("unsorted", (v, u) -> { double t = v[0]; v[0] = v[N - 1]; v[N - 1] = t; return null; }),
                corrupting("nan", (v, u) -> { u[5] = Double.NaN; return null; }),
                corrupting("scaled-vector", (v, u) -> { u[2 * N + 1] *= 1.01; return null; }),
                corrupting("duplicated-vector", (v, u) -> {
                    System.arraycopy(u, 7 * N, u, 8 * N, N);
                    return null;
                }),
                corrupting("swapped-vectors", (v, u) -> {
                    double[] row = java.util.Arrays.copyOfRange(u, 0, N);
                    System.arraycopy(u, (N - 1) * N, u, 0, N);
                    System.arraycopy(row, 0, u, (N - 1) * N, N);
                    return null;
                }));
        for (FakeSolver liar : liars) {
            FakeSolver good = correct("good");
            SymmetricEigensolver.robust(List.of(liar, good)).decompose(MATRIX, N);
            assertEquals(1, good.calls.get(), liar.name() + " was not detected");
        }
    }

    @Test
    void aCorrectFirstStageIsNotRetried() {
        FakeSolver first = correct("first");
        FakeSolver second = correct("second");
        SymmetricEigensolver.robust(List.of(first, second)).decompose(MATRIX, N);
        assertEquals(1, first.calls.get());
        assertEquals(0, second.calls.get());
    }

    @Test
    void whenEveryStageFailsTheErrorNamesEachReason() {
        SymmetricEigensolver chain = SymmetricEigensolver.robust(List.of(failing("a"), failing("b")));
        ArithmeticException e = assertThrows(ArithmeticException.class, () -> chain.decompose(MATRIX, N));
        assertTrue(e.getMessage().contains("a: a did not converge") && e.getMessage().contains("b: b did not")
                && e.getMessage().contains(N + "x" + N), e.getMessage());
        assertEquals(2, e.getSuppressed().length);
    }

    @Test
    void invalidInputIsRejectedBeforeAnyStageRuns() {
        FakeSolver stage = correct("stage");
        SymmetricEigensolver chain = SymmetricEigensolver.robust(List.of(stage));
        double[] nan = MATRIX.clone();
        nan[5] = Double.NaN;
        assertThrows(ArithmeticException.class, () -> chain.decompose(nan, N));
        double[] asymmetric = MATRIX.clone();
        asymmetric[1] += 1;
        assertThrows(IllegalArgumentException.class, () -> chain.decompose(asymmetric, N));
        assertThrows(IllegalArgumentException.class, () -> chain.decompose(MATRIX, N + 1));
        assertEquals(0, stage.calls.get());
        assertThrows(IllegalArgumentException.class, () -> SymmetricEigensolver.robust(List.of()));
    }

    @Test
    void nameListsTheStagesInOrder() {
        assertEquals("a -> b", SymmetricEigensolver.robust(List.of(failing("a"), correct("b"))).name());
    }

    @Test
    void eachStageWarnsOnceThenLogsAtFine() {
        Logger logger = Logger.getLogger(RobustEigensolver.class.getName());
        List<LogRecord> records = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Level previous = logger.getLevel();
        logger.setLevel(Level.ALL);
        logger.addHandler(capture);
        try {
            SymmetricEigensolver chain = SymmetricEigensolver.robust(List.of(failing("flaky"), correct("good")));
            chain.decompose(MATRIX, N);
            chain.decompose(MATRIX, N);
        } finally {
            logger.removeHandler(capture);
            logger.setLevel(previous);
        }
        assertEquals(List.of(Level.WARNING, Level.FINE), records.stream().map(LogRecord::getLevel).toList());
        assertTrue(records.get(0).getMessage().contains("flaky") && records.get(0).getMessage().contains("good"),
                records.get(0).getMessage());
    }
}
