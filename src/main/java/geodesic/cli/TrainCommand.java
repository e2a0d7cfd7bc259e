package geodesic.cli;

import geodesic.data.ChannelNormalization;
import geodesic.data.DataOrigin;
import geodesic.data.Dataset;
import geodesic.data.FashionMnistData;
import geodesic.data.Subsample;
import geodesic.data.TrainValidationSplit;
import geodesic.kernel.Device;
import geodesic.kernel.DeviceSelection;
import geodesic.kernel.Devices;
import geodesic.kernel.Parallelism;
import geodesic.linalg.EigenPool;
import geodesic.linalg.SymmetricEigensolver;
import geodesic.nn.Sequential;
import geodesic.optim.KroneckerPreconditioner;
import geodesic.optim.LearningRateSchedule;
import geodesic.optim.Optimizer;
import geodesic.optim.PreconditionedSgd;
import geodesic.optim.Preconditioner;
import geodesic.optim.SwitchEvent;
import geodesic.optim.TsoAlra;
import geodesic.train.CheckpointDirectory;
import geodesic.train.CheckpointListener;
import geodesic.train.CsvMetricsWriter;
import geodesic.train.EarlyStopping;
import geodesic.train.EpochMetrics;
import geodesic.train.ProgressBar;
import geodesic.train.Trainer;
import geodesic.train.TrainingListener;
import geodesic.train.TrainingProgress;
import geodesic.train.TrainingResult;
import geodesic.train.experiment.ExperimentData;
import geodesic.train.experiment.ModelCatalog;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * {@code geodesic train}: trains a model on Fashion-MNIST and prints one {@code key=value} line per epoch and a
 * final summary, writes the metrics CSV and a PNG plot of the curves. With no option it trains the reference CNN
 * on whatever Fashion-MNIST it finds (Debian's package, else the embedded subset) and says which.
 */
final class TrainCommand {
    static final List<String> MODELS = ModelCatalog.NAMES;

    private TrainCommand() {
    }

    static int run(List<String> args, PrintStream out, PrintStream err) throws IOException {
        Set<String> valued = new HashSet<>(OptimizerOptions.OPTIONS);
        valued.addAll(Set.of("model", "dataset", "data", "epochs", "batch", "seed", "threads", "csv", "plot", "out",
                "validation", "subset", "lr-decay-epochs", "early-stop", "checkpoint-dir", "checkpoint-every",
                "resume"));
        valued.addAll(DeviceOptions.VALUED);
        Set<String> switches = new HashSet<>(OptimizerOptions.SWITCHES);
        switches.add("quiet");
        switches.addAll(DeviceOptions.SWITCHES);
        Options o = Options.parse("train", args, valued, switches);
        boolean onDevice = onDevice(o);
        String model = o.choice("model", "cnn", MODELS);
        o.choice("dataset", "fashion-mnist", List.of("fashion-mnist"));
        // The device model has no Kronecker factors, so a device run defaults to momentum SGD.
        String optimizerName = OptimizerOptions.name(o, onDevice ? "momentum" : "tso-alra");
        String dataOption = o.string("data", null);
        int batch = o.integer("batch", 128, 1, 65_536);
        double lr = OptimizerOptions.learningRate(o, optimizerName);
        long seed = o.integer("seed", 0, 0, Integer.MAX_VALUE);
        int threads = o.integer("threads", Runtime.getRuntime().availableProcessors(), 1, 1024);
        double validation = o.number("validation", 0, 0, 0.9);
        int subset = o.integer("subset", 0, 0, Integer.MAX_VALUE);
        List<Integer> decay = parseEpochs(o.string("lr-decay-epochs", ""));
        boolean quiet = o.flag("quiet");
        int checkpointEvery = o.integer("checkpoint-every", 0, 0, Integer.MAX_VALUE);
        String checkpointDir = o.string("checkpoint-dir", o.string("resume", null));
        if (o.has("checkpoint-every") && checkpointDir == null) {
            throw new UsageException("train: --checkpoint-every needs --checkpoint-dir DIR");
        }
        int earlyStop = o.integer("early-stop", 0, 0, 100_000);
        if (earlyStop > 0 && validation == 0) {
            throw new UsageException("train: --early-stop needs a validation set (--validation FRACTION)");
        }

        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path outDir = Path.of(o.string("out", "runs/train-" + model + "-" + optimizerName + "-" + stamp));
        Path csv = Path.of(o.string("csv", outDir.resolve("metrics.csv").toString()));
        Path png = Path.of(o.string("plot", outDir.resolve("metrics.png").toString()));
        Integer epochsGiven = o.has("epochs") ? o.integer("epochs", 1, 1, 100_000) : null;
        checkBeforeWork(o, optimizerName, csv, png);
        CheckpointDirectory.Loaded resumeFrom = null;
        if (o.has("resume")) {
            resumeFrom = CheckpointDirectory.open(Path.of(checkpointDir), 2).latest().orElseThrow(
                    () -> new IOException("train: no checkpoint in " + o.string("resume", "")));
        }

        FashionMnistData data = loadFashionMnist(dataOption);
        out.println("data: " + data.describe());
        // The embedded subset is a tenth of the real training set: ten passes over it are about three real epochs.
        boolean small = data.origin() == DataOrigin.EMBEDDED_SUBSET;
        int epochs = epochsGiven != null ? epochsGiven : small ? 10 : 3;
        Dataset train = data.train();
        if (subset > 0 && subset < train.size()) {
            train = Subsample.stratified(train, subset, seed);
        }
        Dataset val = null;
        if (validation > 0) {
            TrainValidationSplit split = TrainValidationSplit.holdOutFraction(train, validation, seed);
            train = split.train();
            val = split.validation();
        }
        Dataset test = data.test();
        ChannelNormalization norm = ChannelNormalization.fit(train);
        norm.applyInPlace(train);
        norm.applyInPlace(test);
        if (val != null) {
            norm.applyInPlace(val);
        }
        out.printf(Locale.ROOT, "split: train=%d validation=%d test=%d%n", train.size(), val == null ? 0 : val.size(),
                test.size());

        ExecutorService prefetch = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "geodesic-prefetch");
            t.setDaemon(true);
            return t;
        });
        try (Parallelism team = Parallelism.of(threads);
             EigenPool rootPool = EigenPool.of(SymmetricEigensolver.active(), 1)) {
            Sequential net = builder(model, train).parallelism(team).build(seed);
            out.printf(Locale.ROOT, "model: %s parameters=%d threads=%d%n", model, net.parameterCount(), threads);
            if (onDevice) {
                return DeviceTraining.run(o, net, optimizerName, train, test, epochs, batch, seed, out);
            }
            Optimizer optimizer = OptimizerOptions.create(o, optimizerName, net, team,
                    (train.size() + batch - 1) / batch, rootPool, epochs);
            out.println("optimizer: " + optimizer.describe());
            List<EpochMetrics> history = new ArrayList<>();
            List<CsvMetricsWriter.Column> columns = new ArrayList<>();
            TrainingListener switchReporter = new TrainingListener() {
            };
            if (optimizer instanceof TsoAlra tso) {
                columns.add(new CsvMetricsWriter.Column("stage", () -> tso.stage().name().toLowerCase(Locale.ROOT)));
                columns.add(new CsvMetricsWriter.Column("isotropy",
                        () -> Double.isNaN(tso.isotropy()) ? "" : String.format(Locale.ROOT, "%.4f", tso.isotropy())));
                columns.add(new CsvMetricsWriter.Column("switch_epoch",
                        () -> tso.switchEvent().map(e -> Integer.toString(e.epoch())).orElse("")));
                switchReporter = new SwitchReporter(tso, out);
            }
            KroneckerPreconditioner kronecker = kroneckerOf(optimizer);
            if (kronecker != null) {
                columns.add(new CsvMetricsWriter.Column("root_failures", () -> Long.toString(kronecker.rootFailures())));
            }
            Trainer.Builder builder = Trainer.builder(net, optimizer).listener(switchReporter);
            if (checkpointDir != null) {
                CheckpointDirectory dir = CheckpointDirectory.open(Path.of(checkpointDir), 2);
                if (resumeFrom != null) {
                    TrainingProgress p = resumeFrom.checkpoint().progress();
                    if (p.epoch() > epochs) {
                        out.println("nothing to do: " + resumeFrom.file() + " is past epoch " + epochs);
                        return 0;
                    }
                    builder.resume(resumeFrom.checkpoint());
                    out.printf(Locale.ROOT, "resumed from step %d (epoch %d, batch %d) of %s%n", p.globalStep(),
                            p.epoch(), p.batch(), resumeFrom.file());
                }
                builder.checkpoints(CheckpointListener.every(dir, checkpointEvery, 1, String.join(" ", args)));
            }
            if (earlyStop > 0) {
                builder.listener(new EarlyStopping(earlyStop));
            }
            Trainer trainer = builder
                    .epochs(epochs).batchSize(batch).seed(seed)
                    .schedule(decay.isEmpty() ? null : LearningRateSchedule.stepDecay(lr, decay, 0.1))
                    .prefetch(prefetch)
                    .listener(new ProgressBar(err, !quiet && System.console() != null))
                    .listener(new CsvMetricsWriter(csv, columns))
                    .listener(new TrainingListener() {
                        @Override
                        public void onEpoch(EpochMetrics m) {
                            history.add(m);
                            out.println(epochLine(m));
                        }
                    })
                    .build();
            TrainingResult result = trainer.fit(train, val, test);
            EpochMetrics last = result.last();
            out.printf(Locale.ROOT, "test_acc=%.4f test_loss=%.4f train_seconds=%.1f total_seconds=%.1f%n",
                    last.testAccuracy(), last.testLoss(),
                    history.stream().mapToDouble(EpochMetrics::seconds).sum(), last.totalSeconds());
            out.println("csv=" + csv);
            MetricsPlot.write(png, model + " / " + optimizerName + " on Fashion-MNIST (" + train.size()
                    + " training images)", history);
            out.println("plot=" + png);
        } finally {
            prefetch.shutdownNow();
        }
        return 0;
    }

    /**
     * Checks the option values and output paths that are only used after the data is loaded, so that a mistake
     * costs no loading time: optimizer options, {@code --csv}, {@code --plot}, and the checkpoint directory, which
     * {@code --resume} requires to exist and which must be the same directory when both options are given.
     *
     * @throws UsageException naming a bad option value or combination
     * @throws IOException    naming an output path that cannot be written, or a missing {@code --resume} directory
     */
    private static void checkBeforeWork(Options o, String optimizerName, Path csv, Path png) throws IOException {
        OptimizerOptions.check(o, optimizerName);
        OutputPaths.requireWritableFile("train: --csv", csv);
        OutputPaths.requireWritableFile("train: --plot", png);
        String resume = o.string("resume", null);
        String checkpoints = o.string("checkpoint-dir", resume);
        if (resume != null && !Path.of(resume).toAbsolutePath().normalize()
                .equals(Path.of(checkpoints).toAbsolutePath().normalize())) {
            throw new UsageException("train: --resume " + resume + " and --checkpoint-dir " + checkpoints
                    + " differ; a resumed run keeps writing checkpoints where it resumed from, so give one of them");
        }
        if (resume != null && !Files.isDirectory(Path.of(resume))) {
            throw new IOException("train: --resume " + resume + ": no such directory");
        }
        if (checkpoints != null) {
            OutputPaths.requireWritableDirectory("train: --" + (o.has("checkpoint-dir") ? "checkpoint-dir" : "resume"),
                    Path.of(checkpoints));
        }
    }

    /** The Kronecker preconditioner {@code optimizer} applies, or null. */
    private static KroneckerPreconditioner kroneckerOf(Optimizer optimizer) {
        Preconditioner p = optimizer instanceof PreconditionedSgd s ? s.preconditioner()
                : optimizer instanceof TsoAlra t ? t.preconditioner() : null;
        return p instanceof KroneckerPreconditioner k ? k : null;
    }

    /**
     * Resolves {@code --device} before any data is read, so an unavailable device fails at once; true when the
     * model is to train on a device other than the CPU (see {@link DeviceTraining}), which runs without the
     * host trainer's extras.
     */
    private static boolean onDevice(Options o) {
        DeviceSelection selection = DeviceOptions.open("train", o, Parallelism.sequential());
        try (Device device = selection.device()) {
            if (device.name().equals(Devices.CPU)) {
                return false;
            }
        }
        for (String option : List.of("validation", "early-stop", "checkpoint-dir", "checkpoint-every", "resume",
                "lr-decay-epochs", "csv", "plot")) {
            if (o.has(option)) {
                throw new UsageException("train: --" + option + " is not supported with --device " + DeviceOptions.name(o)
                        + " (the device model trains without the host trainer's extras)");
            }
        }
        return true;
    }

    /**
     * Fashion-MNIST from {@code --data}: a directory, the word {@code embedded} for the subset shipped in the jar,
     * or absent (or {@code auto}) for the usual search (GEODESIC_DATA, Debian's package, cache, download, embedded
     * subset).
     */
    static FashionMnistData loadFashionMnist(String data) throws IOException {
        return ExperimentData.locate(data == null ? "auto" : data);
    }

    /** Prints TSO-ALRA's stage and noise isotropy each epoch, and one {@code switch ...} line when it switches. */
    private static final class SwitchReporter implements TrainingListener {
        private final TsoAlra tso;
        private final PrintStream out;
        private boolean reported;

        SwitchReporter(TsoAlra tso, PrintStream out) {
            this.tso = tso;
            this.out = out;
        }

        @Override
        public void onEpoch(EpochMetrics m) {
            out.printf(Locale.ROOT, "stage epoch=%d stage=%s isotropy=%.4f%n", m.epoch(),
                    tso.stage().name().toLowerCase(Locale.ROOT), tso.isotropy());
            if (!reported && tso.switchEvent().isPresent()) {
                SwitchEvent e = tso.switchEvent().get();
                out.printf(Locale.ROOT, "switch epoch=%d step=%d reason=%s lr_before=%s lr_after=%s%n", e.epoch(),
                        e.step(), e.reason().replace(' ', '_'), e.learningRateBefore(), e.learningRateAfter());
                reported = true;
            }
        }
    }

    static Sequential.Builder builder(String model, Dataset train) {
        try {
            return ModelCatalog.builder(model, train);
        } catch (IllegalArgumentException e) {
            throw new UsageException("train: " + e.getMessage());
        }
    }

    static String epochLine(EpochMetrics m) {
        return String.format(Locale.ROOT,
                "epoch=%d train_loss=%.4f val_loss=%.4f val_acc=%.4f test_loss=%.4f test_acc=%.4f lr=%.4g"
                        + " seconds=%.1f images_per_s=%.0f",
                m.epoch(), m.trainLoss(), m.validationLoss(), m.validationAccuracy(), m.testLoss(),
                m.testAccuracy(), m.learningRate(), m.seconds(), m.imagesPerSecond());
    }

    private static List<Integer> parseEpochs(String csv) {
        if (csv.isBlank()) {
            return List.of();
        }
        try {
            return Arrays.stream(csv.split(",")).map(String::trim).map(Integer::parseInt).toList();
        } catch (NumberFormatException e) {
            throw new UsageException("train: --lr-decay-epochs must be comma-separated epoch numbers, got '" + csv + "'");
        }
    }
}
