// Element-wise, convolution-layout, pooling, loss and optimizer kernels of Geodesic's CUDA device
// (geodesic.cuda.CudaDevice). Each formula mirrors the host kernel named beside it in geodesic.kernel, so the two
// devices agree within float32 rounding. Every reduction runs in a fixed order (no atomics), so results are
// deterministic. Compiled to PTX by native/build-ptx.sh; the PTX is committed under src/main/resources.
//
// Launch convention: one thread per output element unless noted, 1-D grid; the Java side picks
// blocks = ceil(count / 256).

extern "C" {

#define GRID_STRIDE(i, n) for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < (n); \
                               i += (long long)blockDim.x * gridDim.x)

// ScalarElementwise.reluRange: Math.max keeps a NaN (fmaxf would drop it and hide a diverging step).
__global__ void relu_forward(int n, const float* x, float* y) {
    GRID_STRIDE(i, n) {
        float v = x[i];
        y[i] = (v > 0.0f || v != v) ? v : 0.0f;
    }
}

// ScalarElementwise.reluBackwardRange (y is the ReLU output: y > 0 exactly where x > 0)
__global__ void relu_backward(int n, const float* y, const float* dy, float* dx) {
    GRID_STRIDE(i, n) { dx[i] = y[i] > 0.0f ? dy[i] : 0.0f; }
}

// Elementwise.addRowBias: x[rows][cols] += bias[cols]
__global__ void add_row_bias(int rows, int cols, const float* bias, float* x) {
    GRID_STRIDE(i, (long long)rows * cols) { x[i] += bias[i % cols]; }
}

// Elementwise.addChannelBias over a batch: x[batch][channels][spatial] += bias[channels]
__global__ void add_channel_bias(int batch, int channels, int spatial, const float* bias, float* x) {
    GRID_STRIDE(i, (long long)batch * channels * spatial) { x[i] += bias[(i / spatial) % channels]; }
}

// Elementwise.columnSums: one thread per column, rows summed in order.
__global__ void column_sums(int rows, int cols, const float* x, float* out, int accumulate) {
    GRID_STRIDE(c, cols) {
        float s = 0.0f;
        for (int r = 0; r < rows; r++) {
            s += x[(long long)r * cols + c];
        }
        out[c] = accumulate ? out[c] + s : s;
    }
}

// Bias gradient of a convolution: one block of 256 threads per channel; each thread sums a fixed strided subset
// in double, then a fixed-shape tree in shared memory, so the result does not depend on scheduling.
__global__ void channel_sums(int batch, int channels, int spatial, const float* x, float* out, int accumulate) {
    __shared__ double partial[256];
    int c = blockIdx.x;
    long long count = (long long)batch * spatial;
    double s = 0.0;
    for (long long k = threadIdx.x; k < count; k += blockDim.x) {
        long long n = k / spatial, p = k % spatial;
        s += x[(n * channels + c) * spatial + p];
    }
    partial[threadIdx.x] = s;
    __syncthreads();
    for (int half = blockDim.x / 2; half > 0; half /= 2) {
        if (threadIdx.x < half) {
            partial[threadIdx.x] += partial[threadIdx.x + half];
        }
        __syncthreads();
    }
    if (threadIdx.x == 0) {
        out[c] = accumulate ? out[c] + (float)partial[0] : (float)partial[0];
    }
}

// Im2col.im2col over a batch: cols[n][oh * outW + ow][c * kh * kw + i * kw + j], zero in the padding.
__global__ void im2col(int batch, int channels, int height, int width, int kh, int kw, int sh, int sw, int ph,
                       int pw, int outH, int outW, const float* x, float* cols) {
    long long patch = (long long)channels * kh * kw;
    long long positions = (long long)outH * outW;
    GRID_STRIDE(e, batch * positions * patch) {
        long long t = e % patch;
        long long pos = (e / patch) % positions;
        long long n = e / (patch * positions);
        int c = (int)(t / (kh * kw)), i = (int)((t / kw) % kh), j = (int)(t % kw);
        int ih = (int)(pos / outW) * sh - ph + i, iw = (int)(pos % outW) * sw - pw + j;
        cols[e] = (ih >= 0 && ih < height && iw >= 0 && iw < width)
                ? x[((n * channels + c) * height + ih) * width + iw] : 0.0f;
    }
}

// Im2col.col2im over a batch, as a gather: one thread per input pixel adds, in (oh, ow) order, every patch entry
// that read it; dx is overwritten.
__global__ void col2im(int batch, int channels, int height, int width, int kh, int kw, int sh, int sw, int ph,
                       int pw, int outH, int outW, const float* cols, float* dx) {
    long long patch = (long long)channels * kh * kw;
    long long positions = (long long)outH * outW;
    GRID_STRIDE(e, (long long)batch * channels * height * width) {
        int iw = (int)(e % width), ih = (int)((e / width) % height);
        int c = (int)((e / ((long long)width * height)) % channels);
        long long n = e / ((long long)width * height * channels);
        float s = 0.0f;
        for (int oh = 0; oh < outH; oh++) {
            int i = ih + ph - oh * sh;
            if (i < 0 || i >= kh) continue;
            for (int ow = 0; ow < outW; ow++) {
                int j = iw + pw - ow * sw;
                if (j < 0 || j >= kw) continue;
                s += cols[(n * positions + (long long)oh * outW + ow) * patch + (long long)c * kh * kw + i * kw + j];
            }
        }
        dx[e] = s;
    }
}

// MaxPool2dKernel.poolPlane's comparison: a NaN beats any number and is beaten by nothing (first NaN kept).
__device__ int window_argmax(const float* plane, int width, int k, int corner) {
    float best = plane[corner];
    int at = corner;
    for (int i = 0; i < k; i++) {
        for (int j = 0; j < k; j++) {
            int q = corner + i * width + j;
            float v = plane[q];
            if (v > best || (v != v && best == best)) {
                best = v;
                at = q;
            }
        }
    }
    return at;
}

// MaxPool2dKernel.forward: planes = batch * channels.
__global__ void maxpool_forward(int planes, int height, int width, int k, int stride, int outH, int outW,
                                const float* x, float* y) {
    GRID_STRIDE(o, (long long)planes * outH * outW) {
        long long q = o / ((long long)outH * outW);
        int r = (int)(o % ((long long)outH * outW));
        const float* plane = x + q * height * width;
        y[o] = plane[window_argmax(plane, width, k, (r / outW) * stride * width + (r % outW) * stride)];
    }
}

// MaxPool2dKernel.backward as a gather: each input pixel sums dy over the windows whose first maximum it is.
__global__ void maxpool_backward(int planes, int height, int width, int k, int stride, int outH, int outW,
                                 const float* x, const float* dy, float* dx) {
    GRID_STRIDE(e, (long long)planes * height * width) {
        long long q = e / ((long long)height * width);
        int at = (int)(e % ((long long)height * width));
        int ih = at / width, iw = at % width;
        const float* plane = x + q * height * width;
        float s = 0.0f;
        int ohLo = ih - k + 1 > 0 ? (ih - k + 1 + stride - 1) / stride : 0;
        int owLo = iw - k + 1 > 0 ? (iw - k + 1 + stride - 1) / stride : 0;
        for (int oh = ohLo; oh < outH && oh * stride <= ih; oh++) {
            for (int ow = owLo; ow < outW && ow * stride <= iw; ow++) {
                if (window_argmax(plane, width, k, oh * stride * width + ow * stride) == at) {
                    s += dy[q * outH * outW + (long long)oh * outW + ow];
                }
            }
        }
        dx[e] = s;
    }
}

// SoftmaxCrossEntropy.lossAndGradient: one thread per row, in double; loss[n] is the row's NLL, summed on the host.
__global__ void softmax_cross_entropy(int batch, int classes, const float* logits, const int* labels, float* grad,
                                      double* loss) {
    GRID_STRIDE(n, batch) {
        const float* row = logits + n * classes;
        double max = row[0];
        for (int j = 1; j < classes; j++) max = row[j] > max ? row[j] : max;
        double sum = 0.0;
        for (int j = 0; j < classes; j++) sum += exp(row[j] - max);
        int label = labels[n];
        loss[n] = log(sum) - (row[label] - max);
        double inv = 1.0 / sum;
        for (int j = 0; j < classes; j++) {
            double p = exp(row[j] - max) * inv;
            grad[n * classes + j] = (float)((j == label ? p - 1.0 : p) / batch);
        }
    }
}

// ScalarElementwise.sgdRange
__global__ void sgd_update(int n, float* p, const float* g, float lr, float wd) {
    GRID_STRIDE(i, n) {
        float pi = p[i];
        float gi = wd == 0.0f ? g[i] : g[i] + wd * pi;
        p[i] = pi - lr * gi;
    }
}

// ScalarElementwise.momentumRange
__global__ void momentum_update(int n, float* p, const float* g, float* buf, float lr, float wd, float mu,
                                float w, int first, int nesterov) {
    GRID_STRIDE(i, n) {
        float pi = p[i];
        float gi = wd == 0.0f ? g[i] : g[i] + wd * pi;
        float bi = first ? gi : mu * buf[i] + w * gi;
        buf[i] = bi;
        float d = nesterov ? gi + mu * bi : bi;
        p[i] = pi - lr * d;
    }
}

// ScalarElementwise.adamRange without AMSGrad
__global__ void adam_update(int n, float* p, const float* g, float* m, float* v, float wd, float b1, float c1,
                            float b2, float c2, float eps, float step_size, float inv_root) {
    GRID_STRIDE(i, n) {
        float pi = p[i];
        float gi = wd == 0.0f ? g[i] : g[i] + wd * pi;
        float mi = b1 * m[i] + c1 * gi;
        float vi = b2 * v[i] + c2 * gi * gi;
        m[i] = mi;
        v[i] = vi;
        float denom = sqrtf(vi) * inv_root + eps;
        p[i] = pi - step_size * (mi / denom);
    }
}

// ScalarElementwise.emaRange: the Kronecker factor EMA y = keep * y + take * x.
__global__ void ema(int n, float keep, float take, const float* x, float* y) {
    GRID_STRIDE(i, n) { y[i] = keep * y[i] + take * x[i]; }
}

}
