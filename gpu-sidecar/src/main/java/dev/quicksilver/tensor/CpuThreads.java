package dev.quicksilver.tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How many threads the cpu backend runs by default: one per physical core. Its kernels are bound by the
 * vector units, which two hardware threads of one core share, so a second thread per core adds hand-offs
 * and cache pressure, not throughput (llama.cpp defaults to physical cores for the same reason). On Linux
 * the cores are the distinct (package, core) pairs of the online CPUs in sysfs; the count is capped by the
 * processors this JVM may use ({@link Runtime#availableProcessors()}: affinity and cgroup quotas). Where
 * sysfs says nothing, every available processor. {@value #PROPERTY} (the CLI's {@code --threads}) overrides.
 */
public final class CpuThreads {

    private static final Logger LOG = LoggerFactory.getLogger(CpuThreads.class);

    /** System property that sets the cpu backend's thread count. */
    public static final String PROPERTY = "quicksilver.cpu.threads";

    private CpuThreads() {}

    /** The cpu backend's default thread count (see the class comment). */
    public static int defaultThreads() {
        String set = System.getProperty(PROPERTY);
        if (set != null && !set.isBlank()) {
            return parse(set, "-D" + PROPERTY);
        }
        int available = Runtime.getRuntime().availableProcessors();
        return physicalCores(Path.of("/sys/devices/system/cpu"), available);
    }

    /** A thread count as written by a user: one sentence naming {@code where} when it is not a positive number. */
    public static int parse(String text, String where) {
        try {
            int n = Integer.parseInt(text.strip());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // the sentence below
        }
        throw new IllegalArgumentException(where + " must be a whole number of threads, at least 1; got \"" + text + "\"");
    }

    /**
     * Physical cores among the online CPUs described under {@code sysCpu} (Linux's /sys/devices/system/cpu),
     * at most {@code available} and at least 1; {@code available} when the files are missing or unreadable.
     */
    static int physicalCores(Path sysCpu, int available) {
        try {
            Set<String> cores = new HashSet<>();
            for (int cpu : onlineCpus(Files.readString(sysCpu.resolve("online")).strip())) {
                Path topology = sysCpu.resolve("cpu" + cpu).resolve("topology");
                cores.add(Files.readString(topology.resolve("physical_package_id")).strip() + ":"
                        + Files.readString(topology.resolve("core_id")).strip());
            }
            if (cores.isEmpty()) {
                return Math.max(1, available);
            }
            return Math.max(1, Math.min(available, cores.size()));
        } catch (IOException | RuntimeException e) {
            LOG.debug("cpu topology unreadable under {} ({}); using {} threads", sysCpu, e.getMessage(), available);
            return Math.max(1, available);
        }
    }

    /** The CPUs of a sysfs CPU list such as {@code 0-3,8-11,14}. */
    static int[] onlineCpus(String list) {
        return Arrays.stream(list.split(","))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .flatMapToInt(s -> {
                    int dash = s.indexOf('-');
                    if (dash < 0) {
                        return IntStream.of(Integer.parseInt(s));
                    }
                    return IntStream.rangeClosed(Integer.parseInt(s.substring(0, dash)),
                            Integer.parseInt(s.substring(dash + 1)));
                })
                .toArray();
    }
}
