package geodesic.train.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExperimentConfigTest {
    /** A valid configuration; tests replace one piece of it with {@link #with}. */
    private static final String BASE = """
            {
              "name": "t",
              "data": {"source": "embedded", "trainSubset": 100},
              "epochs": 8,
              "epochScale": 0.5,
              "learningRateDecay": {"epochs": [4, 6], "factor": 0.1},
              "seeds": [1, 2],
              "models": ["mlp", "cnn"],
              "optimizers": [
                {"name": "sgd", "lr": [0.1, 0.01]},
                {"name": "momentum", "label": "heavy ball", "lr": 0.01, "momentum": {"mlp": 0.9, "cnn": [0.5, 0.9]}},
                {"name": "tso-alra", "lr": 0.01, "switchEpoch": {"mlp": 5, "cnn": 2}}
              ]
            }
            """;

    private static String with(String from, String to) {
        assertTrue(BASE.contains(from), from);
        return BASE.replace(from, to);
    }

    @Test
    void shippedConfigurationsFollowThePaperAndTheShortenedProtocolKeepsItsShape() throws IOException {
        ExperimentConfig paper = ExperimentConfig.read(Path.of("experiments/paper-fashion-mnist.json"));
        ExperimentConfig shortened = ExperimentConfig.read(Path.of("experiments/short-fashion-mnist.json"));
        for (ExperimentConfig c : List.of(paper, shortened)) {
            assertEquals(List.of("alexnet", "vgg"), c.models());
            assertEquals(128, c.protocol().batchSize());
            assertEquals(164, c.protocol().epochs());
            assertEquals(List.of(81, 122), c.protocol().decayEpochs());
            assertEquals(0.1, c.protocol().decayFactor());
            assertEquals(0.1, c.data().validationFraction());
            assertEquals(List.of("sgd", "adam", "amsgrad", "kronecker", "tso-alra", "diagonal"),
                    c.optimizers().stream().map(OptimizerEntry::name).toList());
            assertTrue(c.seeds().size() >= 3);
            assertEquals(2 * 6 * c.seeds().size(), c.runs().size());
            Map<String, RunSpec> seed1 = c.runs().stream().filter(r -> r.seed() == c.seeds().get(0))
                    .collect(Collectors.toMap(RunSpec::id, r -> r));
            assertEquals(0.1, seed1.get("alexnet_sgd_seed1").hyperparameters().get("lr"));
            assertEquals(0.001, seed1.get("vgg_adam_seed1").hyperparameters().get("lr"));
            assertEquals(0.99, seed1.get("vgg_amsgrad_seed1").hyperparameters().get("beta1"));
            assertEquals(0.01, seed1.get("vgg_tso-alra_seed1").hyperparameters().get("lr"));
        }
        assertEquals(164, paper.protocol().scaledEpochs());
        assertEquals(70.0, paper.runs().stream().filter(r -> r.id().equals("alexnet_tso-alra_seed1")).findFirst()
                .orElseThrow().hyperparameters().get("switchEpoch"));
        assertEquals(0, paper.data().trainSubset());

        assertEquals(21, shortened.protocol().scaledEpochs());
        assertEquals(List.of(11, 16), shortened.protocol().scaledDecayEpochs());
        Map<String, RunSpec> runs = shortened.runs().stream().collect(Collectors.toMap(RunSpec::id, r -> r));
        assertEquals(9.0, runs.get("alexnet_tso-alra_seed1").hyperparameters().get("switchEpoch"));
        assertEquals(3.0, runs.get("vgg_tso-alra_seed2").hyperparameters().get("switchEpoch"));
        assertEquals(3.0, runs.get("vgg_diagonal-switch_seed3").hyperparameters().get("switchEpoch"));
        assertTrue(runs.containsKey("alexnet_kronecker-no-switch_seed1"));
        assertEquals(2500, shortened.data().trainSubset());
    }

    @Test
    void gridExpandsListsAndPerModelValuesAndScalesEpochNumbers() {
        ExperimentConfig c = ExperimentConfig.parse(BASE, "t.json");
        assertEquals(4, c.protocol().scaledEpochs());
        assertEquals(List.of(3, 4), c.protocol().scaledDecayEpochs(), "boundaries 3 and 5 halved, rounded half up");
        List<String> ids = c.runs().stream().map(RunSpec::id).toList();
        assertEquals(List.of(
                "mlp_sgd-lr-0.1_seed1", "mlp_sgd-lr-0.1_seed2", "mlp_sgd-lr-0.01_seed1", "mlp_sgd-lr-0.01_seed2",
                "mlp_heavy-ball_seed1", "mlp_heavy-ball_seed2", "mlp_tso-alra_seed1", "mlp_tso-alra_seed2",
                "cnn_sgd-lr-0.1_seed1", "cnn_sgd-lr-0.1_seed2", "cnn_sgd-lr-0.01_seed1", "cnn_sgd-lr-0.01_seed2",
                "cnn_heavy-ball-momentum-0.5_seed1", "cnn_heavy-ball-momentum-0.5_seed2",
                "cnn_heavy-ball-momentum-0.9_seed1", "cnn_heavy-ball-momentum-0.9_seed2",
                "cnn_tso-alra_seed1", "cnn_tso-alra_seed2"), ids);
        RunSpec mlpSwitch = c.runs().get(6);
        assertEquals(3.0, mlpSwitch.hyperparameters().get("switchEpoch"), "round(5 * 0.5) = 3 (half up)");
        assertEquals(1.0, c.runs().get(16).hyperparameters().get("switchEpoch"));
        assertEquals("heavy ball momentum=0.5", c.runs().get(12).group());
        assertEquals("cnn_heavy-ball-momentum-0.5", c.runs().get(12).groupId());
        assertTrue(c.runs().get(0).fingerprint().contains("hyperparameters={lr=0.1}"),
                c.runs().get(0).fingerprint());
        assertEquals(Path.of("runs/t"), c.output());
    }

    @Test
    void smokeKeepsTheGridShapeOnATinyEmbeddedSubsetWithOneSeedAndTwoEpochs() {
        ExperimentConfig smoke = ExperimentConfig.parse(BASE, "t.json").smoke();
        assertEquals("embedded", smoke.data().source());
        assertEquals(100, smoke.data().trainSubset(), "a smaller configured subset is kept");
        assertEquals(ExperimentConfig.SMOKE_TEST, smoke.data().testSubset());
        assertEquals(List.of(1L), smoke.seeds());
        assertEquals(2, smoke.protocol().scaledEpochs());
        assertEquals(List.of(2, 2), smoke.protocol().scaledDecayEpochs(), "the first epoch keeps the full rate");
        assertEquals(Path.of("runs/t-smoke"), smoke.output());
        assertEquals(9, smoke.runs().size());
        assertEquals(1.0, smoke.runs().get(3).hyperparameters().get("switchEpoch"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "\"epochs\": 8,|\"epochs\": -3,|epochs (line 4): must be in [1, 1000000], got -3",
        "\"epochs\": 8,|\"epochs\": 2.5,|epochs (line 4): must be an integer, got 2.5",
        "\"epochs\": 8,|\"epochs\": \"8\",|epochs (line 4): must be an integer, got \"8\"",
        "\"epochs\": 8,||missing field \"epochs\" at the top level",
        "\"name\": \"t\",|\"name\": \"t\", \"seed\": 3,|seed (line 2): unknown field (known here:",
        "\"trainSubset\": 100|\"trainSubset\": -1|data.trainSubset (line 3): must be in [0, 2147483647], got -1",
        "\"source\": \"embedded\",|\"source\": 4,|data.source (line 3): must be a string, got 4",
        "[\"mlp\", \"cnn\"]|[\"mlp\", \"resnet\"]|models[1] (line 8): unknown model \"resnet\" (known: cnn, mlp,",
        "\"seeds\": [1, 2],|\"seeds\": [1, 1],|seeds[1] (line 7): seed 1 appears twice",
        "\"seeds\": [1, 2],|\"seeds\": [],|seeds (line 7): must not be empty",
        "[4, 6]|[6, 4]|learningRateDecay.epochs[1] (line 6): decay epochs must increase",
        "[4, 6]|[4, 9]|learningRateDecay.epochs[1] (line 6): must be in [1, 8], got 9",
        "\"lr\": [0.1, 0.01]|\"lr\": null|optimizers[0].lr (line 10): must be a number, boolean or string",
        "\"lr\": [0.1, 0.01]|\"lr\": []|optimizers[0].lr (line 10): an empty list gives no value to try",
        "{\"mlp\": 0.9, \"cnn\": [0.5, 0.9]}|{\"mlp\": 0.9}|optimizers[1].momentum (line 11): no value for model \"cnn\"",
        "{\"mlp\": 5, \"cnn\": 2}|{\"mlp\": 5, \"cnn\": 2.5}|optimizers[2].switchEpoch.cnn (line 12): an epoch number",
        "\"label\": \"heavy ball\",|\"label\": \"sgd\",|optimizers[1] (line 11): label \"sgd\" is used by an earlier",
        "{\"name\": \"sgd\", |{|missing field \"name\" in optimizers[0] (line 10)",
        "\"epochScale\": 0.5,|\"epochScale\": 0,|epochScale (line 5): must be in (0, 1000000.0], got 0",
    })
    void malformedConfigurationsNameTheFileTheFieldAndTheProblem(String from, String to, String expected) {
        String text = with(from, to == null ? "" : to);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ExperimentConfig.parse(text, "experiments/bad.json"));
        assertTrue(e.getMessage().startsWith("experiments/bad.json: "), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void missingFileIsAnIoErrorNamingTheFile(@TempDir Path dir) {
        Path missing = dir.resolve("nope.json");
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> ExperimentConfig.read(missing));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    }

    @Test
    void syntaxErrorsNameTheFileLineAndColumn(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("broken.json");
        Files.writeString(f, "{\n  \"name\": \"x\",\n}\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ExperimentConfig.read(f));
        assertTrue(e.getMessage().startsWith(f + ":3:1: trailing comma"), e.getMessage());
    }
}
