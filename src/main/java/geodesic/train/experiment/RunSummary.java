package geodesic.train.experiment;

/**
 * What one run achieved on the test set, read from its CSV and marker. Best values are over the run's epochs;
 * ties go to the earliest epoch. All values are {@code NaN} for a run that diverged before its first epoch.
 *
 * @param run               the run
 * @param record            its completion marker
 * @param bestTestLoss      lowest test loss of any epoch
 * @param bestTestLossEpoch the epoch of {@code bestTestLoss}, or 0
 * @param finalTestLoss     test loss after the last epoch
 * @param bestTestAccuracy  highest test accuracy of any epoch
 * @param finalTestAccuracy test accuracy after the last epoch
 */
public record RunSummary(RunSpec run, RunRecord record, double bestTestLoss, int bestTestLossEpoch,
                         double finalTestLoss, double bestTestAccuracy, double finalTestAccuracy) {

    /**
     * @param metrics the run's CSV
     * @throws IllegalArgumentException if a column the summary needs is missing
     */
    static RunSummary of(RunSpec run, RunRecord record, CsvTable metrics) {
        double[] epoch = metrics.column("epoch");
        double[] loss = metrics.column("test_loss");
        double[] acc = metrics.column("test_acc");
        double best = Double.NaN;
        int bestEpoch = 0;
        double bestAcc = Double.NaN;
        for (int i = 0; i < loss.length; i++) {
            if (!Double.isNaN(loss[i]) && (Double.isNaN(best) || loss[i] < best)) {
                best = loss[i];
                bestEpoch = (int) epoch[i];
            }
            if (!Double.isNaN(acc[i]) && (Double.isNaN(bestAcc) || acc[i] > bestAcc)) {
                bestAcc = acc[i];
            }
        }
        int last = loss.length - 1;
        return new RunSummary(run, record, best, bestEpoch, last < 0 ? Double.NaN : loss[last], bestAcc,
                last < 0 ? Double.NaN : acc[last]);
    }
}
