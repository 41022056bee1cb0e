"""PyTorch runner of `rnn bench` (a child process): the same two workloads in PyTorch.

  python3 cli/bench/torch_bench.py <quick|full> <threads> <budget seconds>

MNIST: nn.RNN(28, 150, tanh) over 28 steps, nn.Linear(150, 10) on the final state, cross-entropy,
Adam(0.001), batch 150. Time series: nn.RNN(1, 100, relu) and nn.Linear(100, 1) on every output,
MSE, Adam(0.001), batch 50. Synthetic data of the same shapes as the Node runners (timing does
not depend on the values). Prints one line `BENCH_RESULT {json}` like the Node runners.
"""
import json
import math
import re
import resource
import sys
import time

import torch
from torch import nn

COUNTS = {
    "full": dict(warmup=8, iters=60, series_iters=60, test_reps=3, test_images=10000, matmul_seconds=1.0),
    "quick": dict(warmup=1, iters=3, series_iters=3, test_reps=1, test_images=1000, matmul_seconds=0.1),
}


def timed(fn, warmup, iters, budget):
    for _ in range(warmup):
        fn()
    times = []
    end = time.perf_counter() + budget
    for _ in range(iters):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
        if time.perf_counter() > end and len(times) >= 5:
            break
    return times


def stats(times):
    s = sorted(times)
    n = len(s)
    median = s[(n - 1) // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2
    return dict(median=median, min=s[0], max=s[-1], n=n)


def time_best(fn, seconds):
    fn()
    reps = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(reps):
            fn()
        if time.perf_counter() - t0 > 0.02 or reps > 1 << 20:
            break
        reps *= 2
    best = math.inf
    end = time.perf_counter() + seconds
    while True:
        t0 = time.perf_counter()
        for _ in range(reps):
            fn()
        best = min(best, (time.perf_counter() - t0) / reps)
        if time.perf_counter() >= end:
            break
    return best


class MnistRNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.RNN(28, 150, batch_first=True)
        self.fc = nn.Linear(150, 10)

    def forward(self, x):
        _, h = self.rnn(x)
        return self.fc(h[0])


class SeriesRNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.RNN(1, 100, nonlinearity="relu", batch_first=True)
        self.out = nn.Linear(100, 1)

    def forward(self, x):
        y, _ = self.rnn(x)
        return self.out(y)


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else "full"
    threads = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    budget = float(sys.argv[3]) if len(sys.argv) > 3 else 240.0
    c = COUNTS[mode]
    torch.set_num_threads(threads)
    torch.manual_seed(42)
    blas = "?"
    try:
        m = re.search(r"BLAS_INFO=([^,]+)", torch.__config__.show())
        blas = m.group(1) if m else "?"
    except Exception:
        pass
    result = dict(name="PyTorch", detail=f"torch {torch.__version__}, {threads} threads, BLAS_INFO={blas} (Debian: the system libblas alternative)")
    try:
        model = MnistRNN()
        opt = torch.optim.Adam(model.parameters(), lr=0.001)
        lossf = nn.CrossEntropyLoss()
        g = torch.Generator().manual_seed(100)
        batches = [(torch.rand(150, 28, 28, generator=g), torch.randint(0, 10, (150,), generator=g)) for _ in range(4)]
        with torch.no_grad():
            loss0 = float(lossf(model(batches[0][0]), batches[0][1]))
        k = [0]

        def step():
            x, y = batches[k[0] % 4]
            k[0] += 1
            opt.zero_grad()
            loss = lossf(model(x), y)
            loss.backward()
            opt.step()

        times = timed(step, c["warmup"], c["iters"], budget * 0.6)
        with torch.no_grad():
            loss1 = float(lossf(model(batches[0][0]), batches[0][1]))
        result["mnist"] = dict(stats(times), loss0=loss0, loss1=loss1)
        result["epochSeconds"] = result["mnist"]["median"] * (55000 // 150) / 1000
        tx = torch.rand(c["test_images"], 28, 28, generator=g)
        fwd = []
        with torch.no_grad():
            for _ in range(c["test_reps"]):
                t0 = time.perf_counter()
                model(tx)
                fwd.append((time.perf_counter() - t0) * 1000)
        result["testForwardMs"] = min(fwd) * 10000 / c["test_images"]

        smodel = SeriesRNN()
        sopt = torch.optim.Adam(smodel.parameters(), lr=0.001)
        t = torch.rand(50, 1, generator=g) * 28 + torch.arange(21).float() * 0.1
        f = t * torch.sin(t) / 3 + 2 * torch.sin(t * 5)
        sx, sy = f[:, :-1].unsqueeze(-1), f[:, 1:].unsqueeze(-1)

        def sstep():
            sopt.zero_grad()
            loss = ((smodel(sx) - sy) ** 2).mean()
            loss.backward()
            sopt.step()

        result["series"] = stats(timed(sstep, c["warmup"], c["series_iters"], budget * 0.25))

        result["gflops"] = {}
        for (m, kk, n) in [(150, 178, 150), (512, 512, 512)]:
            a = torch.rand(m, kk) - 0.5
            b = torch.rand(kk, n) - 0.5
            s = time_best(lambda: torch.mm(a, b), c["matmul_seconds"])
            result["gflops"][f"{m}x{kk}x{n}"] = 2 * m * n * kk / s / 1e9
    except Exception as e:  # report, do not crash the bench
        result["error"] = str(e).split("\n")[0]
    result["peakRssMiB"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("\nBENCH_RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
