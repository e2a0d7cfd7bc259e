package geodesic.train;

import geodesic.nn.Model;
import geodesic.optim.Optimizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Writes a checkpoint into a {@link CheckpointDirectory} every {@code N} steps and/or every {@code M} epochs, and
 * after the last epoch of a {@link Trainer#fit}. Register it with {@link Trainer.Builder#checkpoints}.
 *
 * <p><b>When.</b> A step checkpoint is taken after the step's {@link TrainingListener#onStep} calls and holds the
 * position of the next batch; an epoch checkpoint is taken after everything the trainer does at the end of the
 * epoch (evaluation, listeners, stop decision) and holds the start of the next epoch. Resuming from either with
 * {@link Trainer.Builder#resume} continues exactly where it was taken.
 *
 * <p><b>Threading.</b> Runs on the training thread and writes synchronously, so a step that checkpoints takes as
 * long as copying the state and writing it ({@link CheckpointFile}); training never races the copy.
 *
 * <p><b>Failures.</b> A failed write throws {@link UncheckedIOException} out of {@code fit}, stopping training
 * with the previous checkpoint intact; a host that prefers to continue can catch it and resume.
 */
public final class CheckpointListener {
    private final CheckpointDirectory directory;
    private final int everySteps;
    private final int everyEpochs;
    private final String config;
    private Path lastWritten;

    private CheckpointListener(CheckpointDirectory directory, int everySteps, int everyEpochs, String config) {
        this.directory = directory;
        this.everySteps = everySteps;
        this.everyEpochs = everyEpochs;
        this.config = config;
    }

    /**
     * @param directory   where to write
     * @param everySteps  write after every this many global steps, or 0 for no step checkpoints
     * @param everyEpochs write after every this many epochs, or 0 for epoch checkpoints only after the last epoch
     * @param config      the host's description of the run, stored as {@link Provenance#config()}
     * @throws IllegalArgumentException if a period is negative
     */
    public static CheckpointListener every(CheckpointDirectory directory, int everySteps, int everyEpochs,
                                           String config) {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(config, "config");
        if (everySteps < 0 || everyEpochs < 0) {
            throw new IllegalArgumentException("checkpoint periods must be >= 0, got every " + everySteps
                    + " steps, every " + everyEpochs + " epochs");
        }
        return new CheckpointListener(directory, everySteps, everyEpochs, config);
    }

    /** The file most recently written by this listener, if any. */
    public Optional<Path> lastWritten() {
        return Optional.ofNullable(lastWritten);
    }

    /** Called by the trainer after each step with the position of the next batch. */
    void afterStep(Model model, Optimizer optimizer, TrainingProgress progress) {
        if (everySteps > 0 && progress.globalStep() % everySteps == 0) {
            write(model, optimizer, progress);
        }
    }

    /**
     * Called by the trainer after the end of each epoch.
     *
     * @param finishedEpoch the 1-based epoch that ended
     * @param last          whether no epoch follows in this {@code fit}
     */
    void afterEpoch(Model model, Optimizer optimizer, TrainingProgress progress, int finishedEpoch, boolean last) {
        if (last || (everyEpochs > 0 && finishedEpoch % everyEpochs == 0)) {
            write(model, optimizer, progress);
        }
    }

    private void write(Model model, Optimizer optimizer, TrainingProgress progress) {
        Checkpoint c = Checkpoint.capture(model, optimizer, progress, Provenance.of(config, model, optimizer));
        try {
            lastWritten = directory.write(c);
        } catch (IOException e) {
            throw new UncheckedIOException("writing a checkpoint at step " + progress.globalStep() + " into "
                    + directory.path() + " failed: " + e.getMessage(), e);
        }
    }
}
