package geodesic.train.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodesic.kernel.Parallelism;
import geodesic.nn.Architectures;
import geodesic.nn.Sequential;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OptimizerCatalogTest {

    private static ExperimentConfig config(String optimizers) {
        return ExperimentConfig.parse("""
                {"name": "c", "data": {}, "epochs": 10, "epochScale": 0.5, "seeds": [1], "models": ["mlp"],
                 "optimizers": [%s]}
                """.formatted(optimizers), "c.json");
    }

    private static RunContext context(Sequential model) {
        return new RunContext(model, 1, Parallelism.sequential(), 10);
    }

    @Test
    void unknownOptimizerIsRefusedNamingTheEntryAndTheKnownNames() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OptimizerCatalog.standard().check(config("{\"name\": \"adamw\", \"lr\": 0.1}")));
        assertTrue(e.getMessage().startsWith("c.json: optimizers[0].name: unknown optimizer \"adamw\" (known: sgd,"
                + " momentum, adam, amsgrad, rmsprop, adagrad, diagonal, kronecker, tso-alra)"), e.getMessage());
    }

    @Test
    void knownButUnavailableOptimizerIsRefusedSayingSoAndListingTheAvailableOnes() {
        OptimizerCatalog sgdOnly = OptimizerCatalog.of(OptimizerCatalog.KNOWN,
                Map.of("sgd", h -> run -> null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> sgdOnly.check(
                config("{\"name\": \"sgd\", \"lr\": 0.1}, {\"name\": \"tso-alra\", \"lr\": 0.01}")));
        assertEquals("c.json: optimizers[1].name: optimizer \"tso-alra\" is not available in this build yet"
                + " (available: sgd)", e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "{\"name\": \"sgd\", \"lr\": 0.1, \"beta1\": 0.9}|sgd has no hyper-parameter \"beta1\" (it reads: lr,"
                + " weightDecay)",
        "{\"name\": \"sgd\"}|missing hyper-parameter \"lr\"",
        "{\"name\": \"sgd\", \"lr\": true}|hyper-parameter \"lr\" must be a number, got true",
        "{\"name\": \"sgd\", \"lr\": -0.1}|hyper-parameter \"lr\" must be in [0.0, 1000.0], got -0.1",
        "{\"name\": \"momentum\", \"lr\": 0.1, \"momentum\": 2}|hyper-parameter \"momentum\" must be in [0.0, 1.0]",
        "{\"name\": \"momentum\", \"lr\": 0.1, \"nesterov\": \"yes\"}|\"nesterov\" must be true or false, got \"yes\"",
        "{\"name\": \"momentum\", \"lr\": 0.1, \"momentum\": 0, \"nesterov\": true}|nesterov needs momentum > 0",
        "{\"name\": \"adam\", \"lr\": 0.001, \"beta1\": 1}|hyper-parameter \"beta1\" must be in [0, 1), got 1",
        "{\"name\": \"amsgrad\", \"lr\": 0.001, \"eps\": 0}|hyper-parameter \"eps\" must be in (0, 1.0], got 0",
        "{\"name\": \"adam\", \"lr\": 0.001, \"momentum\": 0.9}|adam has no hyper-parameter \"momentum\" (it reads:"
                + " beta1, beta2, eps, lr, weightDecay)",
        "{\"name\": \"rmsprop\", \"lr\": 0.01, \"centered\": 1}|\"centered\" must be true or false, got 1.0",
        "{\"name\": \"adagrad\", \"lr\": 0.01, \"lrDecay\": -1}|\"lrDecay\" must be in [0.0, 1000.0], got -1.0",
    })
    void badHyperParametersAreRefusedBeforeTrainingNamingFileEntryAndKey(String entry, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OptimizerCatalog.standard().check(config(entry)));
        assertTrue(e.getMessage().startsWith("c.json: optimizers[0]"), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void everyCombinationOfAGridIsChecked() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OptimizerCatalog.standard()
                .check(config("{\"name\": \"momentum\", \"lr\": 0.1, \"momentum\": [0.9, 1.5]}")));
        assertTrue(e.getMessage().contains("got 1.5"), e.getMessage());
    }

    @Test
    void builtInFactoriesBuildTheConfiguredOptimizers() {
        ExperimentConfig c = config("{\"name\": \"sgd\", \"lr\": 0.05},"
                + " {\"name\": \"momentum\", \"lr\": 0.02, \"momentum\": 0.8, \"nesterov\": true}");
        Sequential model = Architectures.mlp().build(1);
        List<RunSpec> runs = c.runs();
        ExperimentOptimizer sgd = OptimizerCatalog.standard().recipe(runs.get(0)).build(context(model));
        assertEquals(0.05, sgd.optimizer().learningRate(), 1e-12);
        assertTrue(sgd.optimizer().describe().contains("nesterov=false"), sgd.optimizer().describe());
        assertEquals(OptionalInt.empty(), sgd.switchEpoch().get());
        ExperimentOptimizer momentum = OptimizerCatalog.standard().recipe(runs.get(1)).build(context(model));
        assertEquals(0.02, momentum.optimizer().learningRate(), 1e-12);
        assertTrue(momentum.optimizer().describe().contains("momentum=0.8"), momentum.optimizer().describe());
        assertTrue(momentum.optimizer().describe().contains("nesterov=true"), momentum.optimizer().describe());
    }

    @Test
    void adaptiveBaselinesBuildWithThePapersSettings() {
        ExperimentConfig c = config("{\"name\": \"adam\", \"lr\": 0.001, \"beta1\": 0.99},"
                + " {\"name\": \"amsgrad\", \"lr\": 0.001, \"beta1\": 0.99},"
                + " {\"name\": \"rmsprop\", \"lr\": 0.01, \"centered\": true},"
                + " {\"name\": \"adagrad\", \"lr\": 0.01}");
        Sequential model = Architectures.mlp().build(1);
        List<String> described = c.runs().stream()
                .map(r -> OptimizerCatalog.standard().recipe(r).build(context(model)).optimizer().describe()).toList();
        assertTrue(described.get(0).startsWith("adam(") && described.get(0).contains("0.99"), described.get(0));
        assertTrue(described.get(1).startsWith("amsgrad("), described.get(1));
        assertTrue(described.get(2).startsWith("rmsprop(") && described.get(2).contains("centered=true"),
                described.get(2));
        assertTrue(described.get(3).startsWith("adagrad("), described.get(3));
        assertEquals(0.001, OptimizerCatalog.standard().recipe(c.runs().get(1)).build(context(model)).optimizer()
                .learningRate(), 1e-15);
    }

    @Test
    void preconditionedSgdFactoriesPassTheirSettingsOn() {
        ExperimentConfig c = config("{\"name\": \"diagonal\", \"lr\": 0.01, \"decay\": 0.9},"
                + " {\"name\": \"kronecker\", \"lr\": 0.02, \"rootInterval\": 5, \"damping\": 0.001,"
                + " \"convSampleFraction\": 0.25}");
        Sequential model = Architectures.mlp().build(1);
        String diagonal = OptimizerCatalog.standard().recipe(c.runs().get(0)).build(context(model)).optimizer()
                .describe();
        assertTrue(diagonal.startsWith("diagonal(rho=0.900000"), diagonal);
        ExperimentOptimizer kronecker = OptimizerCatalog.standard().recipe(c.runs().get(1)).build(context(model));
        String k = kronecker.optimizer().describe();
        assertTrue(k.startsWith("kronecker(gamma=0.0500000, T_cov="), k);
        assertTrue(k.contains(", T_int=5, damping="), k);
        assertTrue(k.contains("conv_sample=0.250000"), k);
        assertTrue(k.contains("1.00000e-03") || k.contains("0.00100000"), k);
        assertEquals(0.02, kronecker.optimizer().learningRate(), 1e-15);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OptimizerCatalog.standard()
                .check(config("{\"name\": \"kronecker\", \"lr\": 0.01, \"rootInterval\": 2.5}")));
        assertTrue(e.getMessage().contains("\"rootInterval\" must be a whole number, got 2.5"), e.getMessage());
    }

    @Test
    void twoStageOptimizersRecordTheirSwitchAndReportIsotropy() {
        ExperimentConfig c = config("{\"name\": \"tso-alra\", \"lr\": 0.01, \"switchEpoch\": 6},"
                + " {\"name\": \"diagonal\", \"label\": \"diagonal + switch\", \"lr\": 0.001, \"switchEpoch\": 6},"
                + " {\"name\": \"diagonal\", \"lr\": 0.001}");
        Sequential model = Architectures.mlp().build(1);
        ExperimentOptimizer tso = OptimizerCatalog.standard().recipe(c.runs().get(0)).build(context(model));
        assertTrue(tso.optimizer().describe().startsWith("tso-alra("), tso.optimizer().describe());
        assertTrue(tso.optimizer().describe().contains("kronecker("), tso.optimizer().describe());
        assertTrue(tso.optimizer().describe().contains("switch=fixed-epoch(3)"), "switch after round(6 * 0.5): "
                + tso.optimizer().describe());
        assertEquals(List.of("isotropy"), List.copyOf(tso.diagnostics().keySet()));
        assertEquals(OptionalInt.empty(), tso.switchEpoch().get(), "no switch before training");
        ExperimentOptimizer diagonalSwitch = OptimizerCatalog.standard().recipe(c.runs().get(1))
                .build(context(model));
        assertTrue(diagonalSwitch.optimizer().describe().contains("diagonal("), diagonalSwitch.optimizer().describe());
        assertEquals(List.of("isotropy"), List.copyOf(diagonalSwitch.diagnostics().keySet()));
        ExperimentOptimizer diagonal = OptimizerCatalog.standard().recipe(c.runs().get(2)).build(context(model));
        assertEquals(List.of(), List.copyOf(diagonal.diagnostics().keySet()));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OptimizerCatalog.standard().check(config("{\"name\": \"tso-alra\", \"lr\": 0.01}")));
        assertTrue(e.getMessage().contains("missing hyper-parameter \"switchEpoch\""), e.getMessage());
    }

    @Test
    void shippedConfigurationsPassTheCatalogsChecks() throws IOException {
        for (String name : List.of("paper-fashion-mnist", "short-fashion-mnist")) {
            OptimizerCatalog.standard().check(ExperimentConfig.read(Path.of("experiments", name + ".json")));
        }
    }

    @Test
    void pluggedFactoriesReceiveScaledEpochHyperParameters() {
        int[] seen = new int[1];
        OptimizerCatalog catalog = OptimizerCatalog.standard().with("tso-alra", h -> {
            seen[0] = h.epoch("switchEpoch").orElseThrow();
            h.number("lr", 0, 1);
            return run -> null;
        });
        catalog.check(config("{\"name\": \"tso-alra\", \"lr\": 0.01, \"switchEpoch\": 7}"));
        assertEquals(4, seen[0], "round(7 * 0.5)");
        assertTrue(catalog.available().contains("tso-alra"));
    }

    @Test
    void factoriesMustCarryKnownNames() {
        assertThrows(IllegalArgumentException.class,
                () -> OptimizerCatalog.of(List.of("sgd"), Map.of("adam", h -> run -> null)));
    }
}
