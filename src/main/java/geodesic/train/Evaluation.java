package geodesic.train;

import geodesic.data.Dataset;
import geodesic.nn.CrossEntropyLoss;
import geodesic.nn.Model;
import geodesic.tensor.Tensor;

/**
 * Loss and accuracy of a model on a dataset, in eval mode.
 *
 * @param loss     mean negative log-likelihood per example
 * @param accuracy fraction of examples whose largest logit is the label
 * @param examples examples evaluated
 */
public record Evaluation(double loss, double accuracy, int examples) {

    /**
     * Evaluates {@code model} on every example of {@code data} in chunks of {@code batchSize}, through the model's
     * thread-safe {@link Model#predict} path.
     *
     * @throws IllegalArgumentException if {@code batchSize < 1} or the data does not fit the model's input
     */
    public static Evaluation of(Model model, Dataset data, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("evaluation batch size must be >= 1, got " + batchSize);
        }
        int n = data.size();
        int per = data.exampleSize();
        float[] pixels = data.pixels();
        double lossSum = 0;
        long correct = 0;
        for (int start = 0; start < n; start += batchSize) {
            int b = Math.min(batchSize, n - start);
            float[] chunk = new float[b * per];
            System.arraycopy(pixels, start * per, chunk, 0, b * per);
            int[] labels = new int[b];
            for (int i = 0; i < b; i++) {
                labels[i] = data.label(start + i);
            }
            Tensor logits = model.predict(Tensor.wrap(chunk, b, data.channels(), data.height(), data.width()));
            lossSum += CrossEntropyLoss.loss(logits, labels) * b;
            int[] predicted = CrossEntropyLoss.predictions(logits);
            for (int i = 0; i < b; i++) {
                if (predicted[i] == labels[i]) {
                    correct++;
                }
            }
        }
        return new Evaluation(lossSum / n, (double) correct / n, n);
    }
}
