package geodesic.train.experiment;

import geodesic.optim.LearningRateSchedule;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The training schedule every run of an experiment follows, written in the paper's epoch numbers and shortened by
 * one factor {@code s}. Every epoch number is read as a boundary between epochs, and boundaries scale: a count of
 * epochs {@code e} (the epoch total, and each optimizer's {@code ...Epoch} hyper-parameter, "switch after epoch
 * e") becomes {@code max(1, round(e * s))}; a decay milestone {@code m} (the first epoch at the lower rate, the
 * boundary after {@code m - 1} epochs) becomes {@code round((m - 1) * s) + 1}. So a shortened protocol keeps the
 * paper's proportions: with {@code s = 0.125}, 164 epochs with decays from 81 and 122 and a switch after 70 become
 * 21 epochs with decays from 11 and 16 and a switch after 9 (full rate for 10 of 21 epochs, as 80 of 164).
 *
 * @param epochs      epochs before scaling, {@code >= 1}
 * @param epochScale  the factor applied to every epoch number, finite and {@code > 0}
 * @param batchSize   examples per mini-batch, {@code >= 1}
 * @param decayEpochs 1-based epochs (before scaling) from which the learning rate is multiplied by
 *                    {@code decayFactor} once more; each in {@code [1, epochs]}
 * @param decayFactor the multiplier at each milestone, in {@code (0, 1]}
 */
public record Protocol(int epochs, double epochScale, int batchSize, List<Integer> decayEpochs,
                       double decayFactor) {

    /** @throws IllegalArgumentException naming the value that is out of range */
    public Protocol {
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
        }
        if (!(epochScale > 0 && Double.isFinite(epochScale))) {
            throw new IllegalArgumentException("epoch scale must be finite and > 0, got " + epochScale);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        decayEpochs = List.copyOf(decayEpochs);
        for (int e : decayEpochs) {
            if (e < 1 || e > epochs) {
                throw new IllegalArgumentException("learning-rate decay epoch " + e + " is outside [1, " + epochs
                        + "]");
            }
        }
        if (!(decayFactor > 0 && decayFactor <= 1)) {
            throw new IllegalArgumentException("decay factor must be in (0, 1], got " + decayFactor);
        }
    }

    /** A count of epochs scaled: {@code max(1, round(count * epochScale))}. */
    public int scale(int count) {
        return (int) Math.max(1, Math.round(count * epochScale));
    }

    /** A 1-based first epoch of something scaled: {@code round((epoch - 1) * epochScale) + 1}. */
    public int scaleMilestone(int epoch) {
        return (int) Math.round((epoch - 1) * epochScale) + 1;
    }

    /** The number of epochs each run trains. */
    public int scaledEpochs() {
        return scale(epochs);
    }

    /** The decay milestones each run uses. */
    public List<Integer> scaledDecayEpochs() {
        return decayEpochs.stream().map(this::scaleMilestone).toList();
    }

    /** The step-decay schedule from {@code baseRate}. */
    public LearningRateSchedule schedule(double baseRate) {
        return LearningRateSchedule.stepDecay(baseRate, scaledDecayEpochs(), decayFactor);
    }

    /** The same shape compressed to {@code runEpochs} epochs (the {@code --smoke} path). */
    public Protocol compressedTo(int runEpochs) {
        if (runEpochs < 1) {
            throw new IllegalArgumentException("epochs must be >= 1, got " + runEpochs);
        }
        return new Protocol(epochs, (double) runEpochs / epochs, batchSize, decayEpochs, decayFactor);
    }

    /**
     * One line, e.g. {@code "21 epochs (164 x 0.125), batch 128, learning rate x0.1 from epochs 11, 16 (81, 122
     * scaled)"}.
     */
    public String describe() {
        String decay = decayEpochs.isEmpty() ? "constant learning rate"
                : "learning rate x" + decayFactor + " from epochs " + join(scaledDecayEpochs()) + " (" + join(decayEpochs)
                        + " scaled)";
        String scale = new BigDecimal(epochScale).round(new MathContext(4)).stripTrailingZeros().toPlainString();
        return scaledEpochs() + " epochs (" + epochs + " x " + scale + "), batch " + batchSize + ", " + decay;
    }

    private static String join(List<Integer> xs) {
        return xs.stream().map(String::valueOf).collect(Collectors.joining(", "));
    }
}
