package dev.quicksilver.tensor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks a {@link Backend} by name and says which it picked. "auto" walks {@link #AUTO_ORDER} and takes
 * the first backend that is available here: "cuda" when a driver, a device and cuBLAS answer (its probe
 * gives one sentence otherwise, logged), then "cpu". A fixed order and a logged choice, never a
 * silent guess (the Jlama provider pattern).
 */
public final class Backends {

    private static final Logger LOG = LoggerFactory.getLogger(Backends.class);

    /** How one backend is made, and why it cannot be made here (empty when it can). */
    public record Factory(String name, Supplier<Optional<String>> unavailableReason, Supplier<Backend> create) {}

    /** Preference order of "auto"; names not registered are skipped with a log line. */
    public static final List<String> AUTO_ORDER = List.of("cuda", "cpu");

    private static final Map<String, Factory> REGISTRY = new LinkedHashMap<>();

    static {
        register(new Factory("cuda", dev.quicksilver.cuda.CudaBackend::unavailableReason,
                dev.quicksilver.cuda.CudaBackend::open));
        register(new Factory("cpu", Backends::vectorApiMissing, CpuBackend::new));
        register(new Factory("reference", Optional::empty, ReferenceBackend::new));
    }

    private Backends() {}

    public static synchronized void register(Factory factory) {
        REGISTRY.put(factory.name(), factory);
    }

    public static synchronized List<String> names() {
        return List.copyOf(REGISTRY.keySet());
    }

    /** "reference", "cpu", or "auto" (the first available of {@link #AUTO_ORDER}). */
    public static synchronized Backend create(String requested) {
        String name = requested == null ? "auto" : requested.trim().toLowerCase(Locale.ROOT);
        if (name.equals("auto")) {
            for (String candidate : AUTO_ORDER) {
                Factory f = REGISTRY.get(candidate);
                if (f == null) {
                    LOG.info("backend {}: not built into this sidecar, trying the next", candidate);
                    continue;
                }
                Optional<String> why = f.unavailableReason().get();
                if (why.isPresent()) {
                    LOG.info("backend {}: {} Trying the next.", candidate, why.get());
                    continue;
                }
                Backend b = f.create().get();
                LOG.info("backend: using {} (auto)", b.name());
                return b;
            }
            throw new IllegalStateException("No tensor backend is available here; the reference backend can"
                    + " always be chosen explicitly with --backend reference.");
        }
        Factory f = REGISTRY.get(name);
        if (f == null) {
            throw new IllegalArgumentException("Unknown backend \"" + requested + "\"; choose one of "
                    + names() + " or auto.");
        }
        Optional<String> why = f.unavailableReason().get();
        if (why.isPresent()) {
            // The reason is written for "auto" ("...: using the CPU backend."); asked for by name, nothing falls back.
            String reason = why.get().replaceFirst(":? using the CPU backend\\.$", "").replaceFirst("\\.$", "");
            throw new IllegalStateException("Backend " + name + " is unavailable: " + reason
                    + "; pass --backend auto (or cpu) to run without it.");
        }
        Backend b = f.create().get();
        LOG.info("backend: using {}", b.name());
        return b;
    }

    private static Optional<String> vectorApiMissing() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent() ? Optional.empty()
                : Optional.of("the JVM was started without --add-modules jdk.incubator.vector");
    }
}
