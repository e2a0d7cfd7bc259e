package geodesic.train.experiment;

import geodesic.kernel.Parallelism;
import geodesic.nn.Sequential;
import geodesic.optim.Optimizer;
import geodesic.train.CsvMetricsWriter;
import geodesic.train.EpochMetrics;
import geodesic.train.Trainer;
import geodesic.train.TrainingListener;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.DoubleSupplier;

/**
 * Runs an experiment grid one run after another, writing each run's CSV and completion marker (see
 * {@link ExperimentLayout}).
 *
 * <dl>
 *   <dt>Before training</dt>
 *   <dd>Every run's optimizer and hyper-parameters are checked ({@link OptimizerCatalog#check}), so a typo in the
 *       last entry fails in the first second, not after an hour.</dd>
 *   <dt>Resuming</dt>
 *   <dd>A run whose marker matches its fingerprint and whose CSV is complete is skipped; any other run is trained
 *       from its first epoch, replacing what an interrupted attempt left. The images are loaded only if some run
 *       has to train.</dd>
 *   <dt>Each run</dt>
 *   <dd>The model is built and initialised with the run's seed, which also orders its batches; the learning rate
 *       follows the protocol's step decay from the optimizer's rate; after each epoch's evaluation (and after the
 *       trainer has told an {@link geodesic.optim.EpochAware} optimizer of the epoch's end) the CSV is rewritten
 *       with the optimizer's diagnostics.</dd>
 *   <dt>Divergence</dt>
 *   <dd>A run whose loss or gradients become non-finite ({@link ArithmeticException} from the trainer) is recorded
 *       as diverged with the epochs it completed and the grid goes on; it is not retried on resume (same seed,
 *       same divergence). Other failures (I/O, invalid settings) stop the grid.</dd>
 *   <dt>Threading</dt>
 *   <dd>{@link #run} trains on the caller's thread with the host's kernel {@link Parallelism} and prefetch
 *       {@link Executor}; listeners run on the caller's thread. The runner starts no threads.</dd>
 * </dl>
 */
public final class ExperimentRunner {
    private final ExperimentConfig config;
    private final OptimizerCatalog catalog;
    private final Parallelism parallelism;
    private final Executor prefetch;
    private final List<ExperimentListener> listeners;

    /**
     * @param parallelism kernel threads for every run's model
     * @param prefetch    loads the next batch while one trains, or {@code null} to load on the training thread
     */
    public ExperimentRunner(ExperimentConfig config, OptimizerCatalog catalog, Parallelism parallelism,
                            Executor prefetch, List<ExperimentListener> listeners) {
        this.config = Objects.requireNonNull(config, "config");
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.parallelism = Objects.requireNonNull(parallelism, "parallelism");
        this.prefetch = prefetch;
        this.listeners = List.copyOf(listeners);
    }

    /**
     * Trains every run of the grid that has not finished yet.
     *
     * @throws IllegalArgumentException naming the configuration entry if an optimizer or hyper-parameter is
     *                                  invalid or unavailable (before anything trains), or a model does not fit
     *                                  the images
     * @throws IOException              if the images cannot be loaded or a result file cannot be written
     */
    public void run() throws IOException {
        catalog.check(config);
        ExperimentLayout layout = new ExperimentLayout(config.output());
        List<RunSpec> runs = config.runs();
        Set<String> finished = new LinkedHashSet<>();
        List<Optional<RunRecord>> records = new ArrayList<>();
        for (RunSpec run : runs) {
            Optional<RunRecord> r = layout.finished(run);
            records.add(r);
            r.ifPresent(x -> finished.add(run.id()));
        }
        listeners.forEach(l -> l.onGridStart(runs, finished));
        ExperimentData data = null;
        for (int i = 0; i < runs.size(); i++) {
            RunSpec run = runs.get(i);
            int index = i + 1;
            Optional<RunRecord> earlier = records.get(i);
            if (earlier.isPresent()) {
                listeners.forEach(l -> l.onRunSkipped(index, run, earlier.get()));
                continue;
            }
            if (data == null) {
                data = ExperimentData.load(config.data());
                String description = data.describe();
                listeners.forEach(l -> l.onData(description));
            }
            RunRecord record = train(index, run, data, layout);
            listeners.forEach(l -> l.onRunEnd(index, run, record));
        }
    }

    private RunRecord train(int index, RunSpec run, ExperimentData data, ExperimentLayout layout) throws IOException {
        Files.deleteIfExists(layout.marker(run));
        Files.deleteIfExists(layout.runCsv(run));
        long start = System.nanoTime();
        Sequential model = ModelCatalog.builder(run.model(), data.train()).parallelism(parallelism).build(run.seed());
        Protocol protocol = config.protocol();
        int stepsPerEpoch = (data.train().size() + protocol.batchSize() - 1) / protocol.batchSize();
        ExperimentOptimizer built = catalog.recipe(run)
                .build(new RunContext(model, run.seed(), parallelism, stepsPerEpoch));
        Optimizer optimizer = built.optimizer();
        int epochs = protocol.scaledEpochs();
        String description = optimizer.describe();
        listeners.forEach(l -> l.onRunStart(index, run, description, epochs));
        int[] completed = {0};
        Trainer.Builder trainer = Trainer.builder(model, optimizer)
                .epochs(epochs)
                .batchSize(protocol.batchSize())
                .seed(run.seed())
                .schedule(protocol.schedule(optimizer.learningRate()))
                .prefetch(prefetch)
                .listener(new CsvMetricsWriter(layout.runCsv(run), columns(built.diagnostics())))
                .listener(new TrainingListener() {
                    @Override
                    public void onEpoch(EpochMetrics m) {
                        completed[0] = m.epoch();
                        listeners.forEach(l -> l.onEpoch(index, run, m));
                    }
                });
        boolean diverged = false;
        String failure = "";
        try {
            trainer.build().fit(data.train(), data.validation(), data.test());
        } catch (ArithmeticException e) {
            diverged = true;
            failure = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
        OptionalInt switchEpoch = built.switchEpoch().get();
        RunRecord record = new RunRecord(run.fingerprint(), diverged, completed[0], (System.nanoTime() - start) * 1e-9,
                switchEpoch, description, failure);
        record.write(layout.marker(run));
        return record;
    }

    /** The diagnostics as CSV columns in name order, written like the standard ones ({@link CsvTable#number}). */
    private static List<CsvMetricsWriter.Column> columns(Map<String, DoubleSupplier> diagnostics) {
        return diagnostics.entrySet().stream()
                .map(e -> new CsvMetricsWriter.Column(e.getKey(), () -> CsvTable.number(e.getValue().getAsDouble())))
                .toList();
    }
}
