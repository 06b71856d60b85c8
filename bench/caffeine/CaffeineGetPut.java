// Caffeine's get-or-put throughput on the workload `cachescope-cli bench-cache` runs, for a
// side-by-side ratio in one run (bench/run-cache-bench). Caffeine 2.6.2 from Debian's
// libcaffeine-java. Prints one JSON object with the fields bench-cache prints.
//
//   javac -cp /usr/share/java/caffeine.jar -d out CaffeineGetPut.java
//   java -cp /usr/share/java/caffeine.jar:out CaffeineGetPut --threads 2 --seconds 5 \
//        --capacity 10000 --keys 1000000 --alpha 0.99
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

public final class CaffeineGetPut {
    public static void main(String[] args) throws Exception {
        int threads = 2;
        double seconds = 5;
        long capacity = 10_000;
        int keys = 1_000_000;
        double alpha = 0.99;
        double readRatio = 1.0;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--threads": threads = Integer.parseInt(args[i + 1]); break;
                case "--seconds": seconds = Double.parseDouble(args[i + 1]); break;
                case "--capacity": capacity = Long.parseLong(args[i + 1]); break;
                case "--keys": keys = Integer.parseInt(args[i + 1]); break;
                case "--alpha": alpha = Double.parseDouble(args[i + 1]); break;
                case "--read-ratio": readRatio = Double.parseDouble(args[i + 1]); break;
                default: throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        final long[] stream = zipfStream(keys, alpha, 1 << 22, 42);
        final Cache<Long, Long> cache = Caffeine.newBuilder().maximumSize(capacity).build();
        final double reads = readRatio;

        // Warm up the JIT and the cache, then measure.
        run(cache, stream, threads, 2.0, reads, new LongAdder(), new LongAdder());
        LongAdder ops = new LongAdder();
        LongAdder hits = new LongAdder();
        long start = System.nanoTime();
        run(cache, stream, threads, seconds, reads, ops, hits);
        double elapsed = (System.nanoTime() - start) / 1e9;
        System.out.printf(java.util.Locale.ROOT,
                "{\"policy\": \"caffeine\", \"threads\": %d, \"seconds\": %.3f, \"ops\": %d, "
                        + "\"ops_per_second\": %.1f, \"hit_ratio\": %.6f}%n",
                threads, elapsed, ops.sum(), ops.sum() / elapsed, hits.sum() / (double) ops.sum());
    }

    static void run(Cache<Long, Long> cache, long[] stream, int threads, double seconds,
                    double readRatio, LongAdder ops, LongAdder hits) throws InterruptedException {
        AtomicBoolean stop = new AtomicBoolean();
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            final int offset = t * (stream.length / threads);
            workers[t] = new Thread(() -> {
                int mask = stream.length - 1;
                int i = offset;
                long n = 0, h = 0;
                long readThreshold = (long) (readRatio * 1024);
                while (!stop.get()) {
                    for (int b = 0; b < 1024; b++) {
                        Long key = stream[i++ & mask];
                        if ((i & 1023) < readThreshold) {
                            if (cache.getIfPresent(key) != null) h++;
                            else cache.put(key, key);
                        } else {
                            cache.put(key, key);
                        }
                    }
                    n += 1024;
                }
                ops.add(n);
                hits.add(h);
            });
            workers[t].start();
        }
        Thread.sleep((long) (seconds * 1000));
        stop.set(true);
        for (Thread w : workers) w.join();
    }

    /** Zipf(alpha) ranks over [0, keys) by inverse CDF, scrambled so hot keys are not adjacent. */
    static long[] zipfStream(int keys, double alpha, int length, long seed) {
        double[] cdf = new double[keys];
        double sum = 0;
        for (int r = 0; r < keys; r++) {
            sum += 1.0 / Math.pow(r + 1, alpha);
            cdf[r] = sum;
        }
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(seed);
        long[] out = new long[length];
        for (int i = 0; i < length; i++) {
            double u = rnd.nextDouble() * sum;
            int lo = 0, hi = keys - 1;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (cdf[mid] < u) lo = mid + 1; else hi = mid;
            }
            out[i] = mix(lo);
        }
        return out;
    }

    static long mix(long x) {
        x ^= x >>> 30; x *= 0xbf58476d1ce4e5b9L;
        x ^= x >>> 27; x *= 0x94d049bb133111ebL;
        return x ^ (x >>> 31);
    }
}
