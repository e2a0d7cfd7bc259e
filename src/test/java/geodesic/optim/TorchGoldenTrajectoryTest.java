package geodesic.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodesic.nn.Parameter;
import geodesic.tensor.Tensor;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Replays trajectories of {@code torch.optim} (SGD, Adam, AMSGrad, RMSprop, Adagrad) recorded by
 * {@code src/test/python/torch_golden.py} and requires every parameter to agree to {@value #TOLERANCE} relative
 * at every recorded step up to 50.
 *
 * <p>The files under {@code src/test/resources/geodesic/optim/golden/} are committed, so this test needs no
 * PyTorch. To regenerate them (PyTorch 1.13: Debian's {@code python3-torch} for {@code /usr/bin/python3}), run
 * {@code /usr/bin/python3 src/test/python/torch_golden.py} from the repository root and commit the result; the
 * script's header describes the format.
 *
 * <p>Before each step every gradient is set to {@code curvature * (value - target) + noise[step]} in float32, the
 * same operations in the same order as the script, so that equal parameter values give bit-equal gradients in
 * both languages and differences measure the optimizers only. The error of an element is
 * {@code |java - torch| / max(|torch|, }{@value #SCALE_FLOOR}{@code )}: parameters live at scale 1 (targets are
 * 0.5 to 1.5 away from zero), and the floor keeps an element passing through zero from turning a 1e-8 absolute
 * difference into a large relative one.
 */
class TorchGoldenTrajectoryTest {
    private static final double TOLERANCE = 1e-5;
    private static final double SCALE_FLOOR = 0.1;
    private static final String DIRECTORY = "/geodesic/optim/golden/";
    private static final List<String> FILES = List.of("sgd", "adam", "rmsprop", "adagrad");

    private record ProblemParameter(String name, float[] init, float[] curvature, float[] target, float[][] noise) {
    }

    private record Problem(int steps, List<Integer> checkpoints, List<ProblemParameter> parameters) {
    }

    /** One recorded run: torch's optimizer name, its non-default arguments, an optional rate change, the values. */
    private record Setting(String name, String optimizer, Map<String, String> arguments, int lrChangeStep,
                           double lrChangeValue, Map<Integer, Map<String, float[]>> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final Problem PROBLEM = readProblem();

    static Stream<Setting> settings() {
        return FILES.stream().flatMap(f -> readSettings(f).stream());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("settings")
    void trajectoryMatchesTorchFor50Steps(Setting setting) {
        Replay r = replay(setting);
        assertTrue(r.worst() <= TOLERANCE, setting + " (" + r.settings() + "): max relative error " + r.worst()
                + " at " + r.where() + " exceeds " + TOLERANCE);
    }

    /**
     * The comparison is sharp enough to see the variants apart: replaying a setting with one argument changed
     * must exceed the tolerance. Guards against golden data on which, say, AMSGrad never departs from Adam.
     */
    @ParameterizedTest(name = "{0} with {1}={2}")
    @CsvSource({"amsgrad, amsgrad, false", "amsgrad_betas_weight_decay, amsgrad, false",
            "adam_betas_eps_weight_decay, eps, 0.04", "rmsprop_centered, centered, false",
            "rmsprop_alpha_eps_weight_decay, eps, 0.04", "adagrad_lr_decay, lr_decay, 0.04",
            "adagrad_accumulator_eps_weight_decay, initial_accumulator_value, 0.4",
            "sgd_momentum_dampening, dampening, 0.4", "sgd_nesterov, nesterov, false"})
    void replayWithOneArgumentChangedDiverges(String name, String key, String value) {
        Setting setting = settings().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
        Map<String, String> changed = new LinkedHashMap<>(setting.arguments());
        assertNotNull(changed.put(key, value), name + " has no argument " + key);
        Replay r = replay(new Setting(name, setting.optimizer(), changed, setting.lrChangeStep(),
                setting.lrChangeValue(), setting.expected()));
        assertTrue(r.worst() > TOLERANCE, name + " with " + key + "=" + value + " still matches torch (max relative "
                + "error " + r.worst() + "): the golden data cannot tell these settings apart");
    }

    private record Replay(double worst, String where, String settings) {
    }

    /** Runs the setting's optimizer over the problem and returns its largest error against torch. */
    private static Replay replay(Setting setting) {
        List<Parameter> parameters = new ArrayList<>();
        for (ProblemParameter p : PROBLEM.parameters()) {
            parameters.add(new Parameter(p.name(), Tensor.wrap(p.init().clone(), p.init().length),
                    Tensor.zeros(p.init().length)));
        }
        Optimizer optimizer = build(setting, parameters);
        double worst = 0;
        String where = "nowhere";
        for (int step = 1; step <= PROBLEM.steps(); step++) {
            if (step == setting.lrChangeStep()) {
                optimizer.setLearningRate(setting.lrChangeValue());
            }
            for (int k = 0; k < parameters.size(); k++) {
                setGradient(PROBLEM.parameters().get(k), parameters.get(k), step);
            }
            optimizer.step();
            Map<String, float[]> expected = setting.expected().get(step);
            if (expected == null) {
                continue;
            }
            for (Parameter p : parameters) {
                float[] want = expected.get(p.name());
                assertNotNull(want, setting + ": golden file has no value of " + p.name() + " at step " + step);
                float[] got = p.value().data();
                for (int i = 0; i < got.length; i++) {
                    double error = Math.abs((double) got[i] - want[i]) / Math.max(Math.abs(want[i]), SCALE_FLOOR);
                    if (error > worst) {
                        worst = error;
                        where = p.name() + "[" + i + "] at step " + step + " (java " + got[i] + ", torch " + want[i]
                                + ")";
                    }
                }
            }
        }
        assertEquals(PROBLEM.checkpoints(), List.copyOf(setting.expected().keySet()),
                setting + ": golden file's steps differ from the problem's checkpoints");
        return new Replay(worst, where, optimizer.describe());
    }

    @Test
    void goldenFilesCoverEveryOptimizerVariant() {
        Set<String> names = new HashSet<>();
        settings().forEach(s -> names.add(s.name()));
        for (String required : List.of("sgd_plain", "sgd_weight_decay", "sgd_momentum", "sgd_momentum_dampening",
                "sgd_nesterov", "adam_defaults", "adam_betas_eps_weight_decay", "amsgrad", "rmsprop_defaults",
                "rmsprop_momentum", "rmsprop_centered", "rmsprop_centered_momentum", "adagrad_defaults",
                "adagrad_lr_decay", "adagrad_accumulator_eps_weight_decay")) {
            assertTrue(names.contains(required), "golden files lack the setting " + required + "; have " + names);
        }
        assertEquals(50, PROBLEM.steps());
        assertEquals(List.of(1, 7, 37), PROBLEM.parameters().stream().map(p -> p.init().length).toList());
    }

    /** Mirrors the script's {@code curvature * (p - target) + noise[s - 1]}, rounding to float after each op. */
    private static void setGradient(ProblemParameter spec, Parameter p, int step) {
        float[] value = p.value().data();
        float[] grad = p.grad().data();
        float[] noise = spec.noise()[step - 1];
        for (int i = 0; i < value.length; i++) {
            float difference = value[i] - spec.target()[i];
            float scaled = spec.curvature()[i] * difference;
            grad[i] = scaled + noise[i];
        }
    }

    /**
     * Builds the optimizer torch ran, from torch's argument names; a setting without arguments uses the plain
     * factory, so that its defaults are the ones compared with torch's.
     */
    private static Optimizer build(Setting setting, List<Parameter> ps) {
        Arguments a = new Arguments(setting);
        Optimizer built = switch (setting.optimizer()) {
            case "sgd" -> new Sgd(ps, a.number("lr", Double.NaN), a.number("momentum", 0),
                    a.number("dampening", 0), a.flag("nesterov"), a.number("weight_decay", 0));
            case "adam" -> {
                if (a.isEmpty()) {
                    yield Adam.of(ps);
                }
                double[] betas = a.pair("betas", Adam.DEFAULT_BETA1, Adam.DEFAULT_BETA2);
                yield new Adam(ps, a.number("lr", Adam.DEFAULT_LR), betas[0], betas[1],
                        a.number("eps", Adam.DEFAULT_EPS), a.number("weight_decay", 0), a.flag("amsgrad"));
            }
            case "rmsprop" -> a.isEmpty() ? RmsProp.of(ps)
                    : new RmsProp(ps, a.number("lr", RmsProp.DEFAULT_LR), a.number("alpha", RmsProp.DEFAULT_ALPHA),
                    a.number("eps", RmsProp.DEFAULT_EPS), a.number("weight_decay", 0), a.number("momentum", 0),
                    a.flag("centered"));
            case "adagrad" -> a.isEmpty() ? Adagrad.of(ps)
                    : new Adagrad(ps, a.number("lr", Adagrad.DEFAULT_LR), a.number("lr_decay", 0),
                    a.number("weight_decay", 0), a.number("initial_accumulator_value", 0),
                    a.number("eps", Adagrad.DEFAULT_EPS));
            default -> throw new IllegalArgumentException(setting + ": unknown optimizer " + setting.optimizer());
        };
        a.requireAllUsed();
        return built;
    }

    /** A setting's arguments; every one must be consumed, so that a new torch argument cannot pass unnoticed. */
    private static final class Arguments {
        private final Setting setting;
        private final Set<String> used = new HashSet<>();

        Arguments(Setting setting) {
            this.setting = setting;
        }

        boolean isEmpty() {
            return setting.arguments().isEmpty();
        }

        double number(String key, double fallback) {
            used.add(key);
            String v = setting.arguments().get(key);
            return v == null ? fallback : Double.parseDouble(v);
        }

        boolean flag(String key) {
            used.add(key);
            return Boolean.parseBoolean(setting.arguments().getOrDefault(key, "false"));
        }

        double[] pair(String key, double first, double second) {
            used.add(key);
            String v = setting.arguments().get(key);
            if (v == null) {
                return new double[] {first, second};
            }
            String[] parts = v.split(",");
            return new double[] {Double.parseDouble(parts[0]), Double.parseDouble(parts[1])};
        }

        void requireAllUsed() {
            Set<String> unused = new HashSet<>(setting.arguments().keySet());
            unused.removeAll(used);
            assertTrue(unused.isEmpty(), setting + ": golden arguments not understood: " + unused);
        }
    }

    private static List<String> lines(String file) {
        String path = DIRECTORY + file + ".txt";
        try (InputStream in = TorchGoldenTrajectoryTest.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + path
                        + "; regenerate with src/test/python/torch_golden.py");
            }
            List<String> out = new ArrayList<>();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    if (!line.isBlank() && !line.startsWith("#")) {
                        out.add(line);
                    }
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(path, e);
        }
    }

    private static float[] floats(String[] words, int from) {
        float[] v = new float[words.length - from];
        for (int i = 0; i < v.length; i++) {
            v[i] = Float.parseFloat(words[from + i]);
        }
        return v;
    }

    private static Problem readProblem() {
        int steps = 0;
        List<Integer> checkpoints = List.of();
        List<ProblemParameter> parameters = new ArrayList<>();
        String name = null;
        Map<String, float[]> fields = new HashMap<>();
        float[][] noise = null;
        for (String line : lines("problem")) {
            String[] w = line.split(" ");
            switch (w[0]) {
                case "steps" -> steps = Integer.parseInt(w[1]);
                case "checkpoints" -> checkpoints = Arrays.stream(w, 1, w.length).map(Integer::valueOf).toList();
                case "parameter" -> {
                    if (name != null) {
                        parameters.add(problemParameter(name, fields, noise));
                    }
                    name = w[1];
                    fields = new HashMap<>();
                    noise = new float[steps][];
                }
                case "init", "curvature", "target" -> fields.put(w[0], floats(w, 1));
                case "noise" -> noise[Integer.parseInt(w[1]) - 1] = floats(w, 2);
                default -> throw new IllegalStateException("problem.txt: unknown line " + line);
            }
        }
        parameters.add(problemParameter(name, fields, noise));
        return new Problem(steps, checkpoints, parameters);
    }

    private static ProblemParameter problemParameter(String name, Map<String, float[]> fields, float[][] noise) {
        float[] init = fields.get("init");
        for (float[] row : noise) {
            assertEquals(init.length, row.length, "problem.txt: noise row of " + name);
        }
        return new ProblemParameter(name, init, fields.get("curvature"), fields.get("target"), noise);
    }

    private static List<Setting> readSettings(String file) {
        List<Setting> out = new ArrayList<>();
        String[] header = null;
        int lrStep = -1;
        double lrValue = Double.NaN;
        Map<Integer, Map<String, float[]>> expected = new TreeMap<>();
        for (String line : lines(file)) {
            String[] w = line.split(" ");
            switch (w[0]) {
                case "config" -> {
                    if (header != null) {
                        out.add(setting(header, lrStep, lrValue, expected));
                    }
                    header = w;
                    lrStep = -1;
                    lrValue = Double.NaN;
                    expected = new TreeMap<>();
                }
                case "set_lr" -> {
                    lrStep = Integer.parseInt(w[1]);
                    lrValue = Double.parseDouble(w[2]);
                }
                case "value" -> expected.computeIfAbsent(Integer.parseInt(w[1]), k -> new LinkedHashMap<>())
                        .put(w[2], floats(w, 3));
                default -> throw new IllegalStateException(file + ".txt: unknown line " + line);
            }
        }
        out.add(setting(header, lrStep, lrValue, expected));
        return out;
    }

    private static Setting setting(String[] header, int lrStep, double lrValue,
                                   Map<Integer, Map<String, float[]>> expected) {
        Map<String, String> arguments = new LinkedHashMap<>();
        for (int i = 3; i < header.length; i++) {
            String[] kv = header[i].split("=", 2);
            arguments.put(kv[0], kv[1]);
        }
        return new Setting(header[1], header[2], arguments, lrStep, lrValue, expected);
    }
}
