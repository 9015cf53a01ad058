package dev.quicksilver.client;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * How to start a local sidecar process. Build with {@link #builder()}; {@link Builder#build()} checks
 * eagerly (the jar exists, the java executable exists) and says what to fix.
 *
 * @param java           the java executable (JDK 25); default the running JVM's
 * @param sidecarJar     gpu-sidecar.jar (with its lib/ folder beside it); null when {@code classpath} is given
 * @param classpath      alternative to the jar: a class path and {@code mainClass} (tests, IDE runs)
 * @param mainClass      main class with {@code classpath}
 * @param quicksilverHome the repository/installation root, passed as QUICKSILVER_HOME (the default model
 *                       is found under it)
 * @param sidecarArgs    arguments after {@code serve}: --model, --backend, --kv-cache-mb, ...
 * @param jvmArgs        extra JVM options (for example -Xmx2g)
 * @param environment    extra environment variables of the child
 * @param startTimeout   how long a start may take until the handshake and a SERVING health check
 * @param maxRestarts    consecutive failed starts (or quick deaths) before giving up with FAILED
 * @param initialBackoff wait before the first restart; doubles per consecutive failure
 * @param maxBackoff     cap of the backoff
 * @param token          the per-run token, or null for a fresh random one (give one to let other clients
 *                       {@link SidecarClient#connect} to the same sidecar)
 */
public record SpawnOptions(Path java, Path sidecarJar, String classpath, String mainClass, Path quicksilverHome,
                           List<String> sidecarArgs, List<String> jvmArgs, Map<String, String> environment,
                           Duration startTimeout, int maxRestarts, Duration initialBackoff, Duration maxBackoff,
                           String token) {

    /**
     * The JVM flags every sidecar needs (the launcher's {@code MODEL_JVM_FLAGS}). {@code -Xmn} fixes the
     * young generation: with ParallelGC's adaptive sizing, each resize of eden made the forwards of the
     * next second fault in fresh pages and run 3-4x slower. 512 MiB, or an eighth of the machine's memory
     * where that is less (a young generation as large as the default heap, a quarter of memory, makes the
     * JVM warn on every start).
     */
    public static final List<String> REQUIRED_JVM_FLAGS = List.of(
            "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
            "--sun-misc-unsafe-memory-access=allow", "-XX:+UseParallelGC", "-Xss4m",
            youngGenerationFlag(physicalMemoryBytes()));

    /** {@code -Xmn} of 512 MiB, or an eighth of {@code memoryBytes} where that is less (64 MiB at least). */
    static String youngGenerationFlag(long memoryBytes) {
        long mib = memoryBytes <= 0 ? 512 : Math.max(64, Math.min(512, memoryBytes / 8 / (1L << 20)));
        return "-Xmn" + mib + "m";
    }

    private static long physicalMemoryBytes() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return 0;
    }

    public static final String MAIN_CLASS = "dev.quicksilver.cli.SidecarCli";

    public SpawnOptions {
        sidecarArgs = List.copyOf(sidecarArgs);
        jvmArgs = List.copyOf(jvmArgs);
        environment = Map.copyOf(environment);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The command line of a private child, which exits with its parent ({@code token} travels in the environment). */
    List<String> command(long parentPid) {
        return command(List.of("--parent-pid=" + parentPid));
    }

    /** The command line of a sidecar shared by this machine's clients: it ends once idle, not with its starter. */
    List<String> sharedCommand(int idleExitSeconds) {
        return command(List.of("--idle-exit-seconds=" + idleExitSeconds));
    }

    /**
     * What makes two sidecars interchangeable: the same program (the jar and its build time, or the class
     * path), JVM, options and environment. Clients whose options have the same identity share a sidecar.
     */
    String identity() {
        String program;
        if (sidecarJar != null) {
            long built;
            try {
                built = Files.getLastModifiedTime(sidecarJar).toMillis();
            } catch (IOException e) {
                built = -1;
            }
            program = sidecarJar.toAbsolutePath() + "@" + built;
        } else {
            program = classpath + "!" + mainClass;
        }
        return String.join("\u0000", java.toString(), program, quicksilverHome.toAbsolutePath().toString(),
                String.join("\u0001", sidecarArgs), String.join("\u0001", jvmArgs),
                new TreeMap<>(environment).toString());
    }

    private List<String> command(List<String> lifetimeArgs) {
        List<String> cmd = new ArrayList<>();
        cmd.add(java.toString());
        cmd.addAll(REQUIRED_JVM_FLAGS);
        cmd.addAll(jvmArgs);
        if (classpath != null) {
            cmd.add("-cp");
            cmd.add(classpath);
            cmd.add(mainClass);
        } else {
            cmd.add("-jar");
            cmd.add(sidecarJar.toString());
        }
        cmd.add("serve");
        cmd.add("--port=0");
        cmd.addAll(lifetimeArgs);
        cmd.addAll(sidecarArgs);
        return cmd;
    }

    public static final class Builder {
        private Path java;
        private Path sidecarJar;
        private String classpath;
        private String mainClass = MAIN_CLASS;
        private Path home;
        private final List<String> sidecarArgs = new ArrayList<>();
        private final List<String> jvmArgs = new ArrayList<>();
        private final Map<String, String> environment = new java.util.HashMap<>();
        private Duration startTimeout = Duration.ofSeconds(60);
        private int maxRestarts = 5;
        private Duration initialBackoff = Duration.ofMillis(250);
        private Duration maxBackoff = Duration.ofSeconds(10);
        private String token;

        public Builder token(String t) {
            this.token = t;
            return this;
        }

        public Builder java(Path p) {
            this.java = p;
            return this;
        }

        public Builder sidecarJar(Path p) {
            this.sidecarJar = p;
            return this;
        }

        /** Runs {@code mainClass} from a class path instead of the jar. */
        public Builder classpath(String cp, String main) {
            this.classpath = cp;
            this.mainClass = main;
            return this;
        }

        public Builder quicksilverHome(Path p) {
            this.home = p;
            return this;
        }

        public Builder sidecarArgs(String... args) {
            sidecarArgs.addAll(List.of(args));
            return this;
        }

        public Builder jvmArgs(String... args) {
            jvmArgs.addAll(List.of(args));
            return this;
        }

        public Builder env(String name, String value) {
            environment.put(name, value);
            return this;
        }

        public Builder startTimeout(Duration d) {
            this.startTimeout = d;
            return this;
        }

        public Builder maxRestarts(int n) {
            this.maxRestarts = n;
            return this;
        }

        public Builder backoff(Duration initial, Duration max) {
            this.initialBackoff = initial;
            this.maxBackoff = max;
            return this;
        }

        public SpawnOptions build() {
            Path home = this.home;
            if (home == null) {
                String h = System.getProperty("quicksilver.home", System.getenv("QUICKSILVER_HOME"));
                home = Path.of(h == null || h.isBlank() ? "." : h);
            }
            home = home.toAbsolutePath().normalize();
            Path javaExe = java != null ? java
                    : Path.of(ProcessHandle.current().info().command()
                            .orElseThrow(() -> new IllegalArgumentException("the running JVM does not tell its "
                                    + "executable; give SpawnOptions.java(path to a JDK 25 java)")));
            if (!Files.isExecutable(javaExe)) {
                throw new IllegalArgumentException("java executable " + javaExe + " does not exist or cannot run; "
                        + "give SpawnOptions.java(path to a JDK 25 java)");
            }
            Path jar = sidecarJar;
            if (classpath == null) {
                if (jar == null) {
                    jar = home.resolve("gpu-sidecar/target/gpu-sidecar.jar");
                }
                if (!Files.isRegularFile(jar)) {
                    throw new IllegalArgumentException("the sidecar jar " + jar + " does not exist; build it with "
                            + "'./quicksilver build' (or mvn package) or set QUICKSILVER_HOME to the installation");
                }
            }
            Objects.requireNonNull(startTimeout, "startTimeout");
            if (maxRestarts < 0) {
                throw new IllegalArgumentException("maxRestarts must be at least 0, got " + maxRestarts);
            }
            return new SpawnOptions(javaExe, jar, classpath, mainClass, home, sidecarArgs, jvmArgs, environment,
                    startTimeout, maxRestarts, initialBackoff, maxBackoff, token);
        }
    }
}
