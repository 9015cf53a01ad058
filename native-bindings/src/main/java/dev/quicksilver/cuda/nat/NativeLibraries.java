package dev.quicksilver.cuda.nat;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Where the CUDA libraries are looked for, in order: the directories of {@code QUICKSILVER_CUDA_LIB_PATH}
 * (or the system property {@code quicksilver.cuda.libPath}), colon-separated; then LD_LIBRARY_PATH; then
 * the usual system places (/usr/local/nvidia/lib64, /usr/local/cuda/lib64, /usr/lib/x86_64-linux-gnu, ...);
 * then the lib folders of pip's nvidia-* packages ({@code /opt/*}{@code /.venv/lib/python3*}
 * {@code /site-packages/nvidia/*}{@code /lib} and {@code /usr/local/lib/python3*}{@code /dist-packages/nvidia/*}{@code /lib}),
 * where PyTorch's wheels bring cuBLAS. When no directory holds a name, the bare name is tried last so the
 * dynamic linker's own cache (ldconfig) still answers.
 */
public final class NativeLibraries {

    public static final String ENV = "QUICKSILVER_CUDA_LIB_PATH";
    public static final String PROPERTY = "quicksilver.cuda.libPath";

    private NativeLibraries() {}

    /** The directories searched, in order (existing ones only). */
    public static List<Path> searchPath() {
        Set<Path> dirs = new LinkedHashSet<>();
        addPathList(dirs, System.getProperty(PROPERTY));
        addPathList(dirs, System.getenv(ENV));
        addPathList(dirs, System.getenv("LD_LIBRARY_PATH"));
        for (String d : List.of("/usr/local/nvidia/lib64", "/usr/local/nvidia/lib", "/usr/local/cuda/lib64",
                "/usr/local/cuda/targets/x86_64-linux/lib", "/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib/wsl/lib")) {
            dirs.add(Path.of(d));
        }
        // pip's nvidia-* wheels: /opt/<env>/.venv/lib/python3*/site-packages/nvidia/<pkg>/lib
        for (Path opt : list(Path.of("/opt"), "*")) {
            for (Path py : list(opt.resolve(".venv/lib"), "python3*")) {
                dirs.addAll(list(py.resolve("site-packages/nvidia"), "*").stream().map(p -> p.resolve("lib")).toList());
            }
        }
        for (Path py : list(Path.of("/usr/local/lib"), "python3*")) {
            dirs.addAll(list(py.resolve("dist-packages/nvidia"), "*").stream().map(p -> p.resolve("lib")).toList());
            dirs.addAll(list(py.resolve("site-packages/nvidia"), "*").stream().map(p -> p.resolve("lib")).toList());
        }
        return dirs.stream().filter(Files::isDirectory).toList();
    }

    /** The first file named one of {@code names} in {@link #searchPath()}, by name order then directory order. */
    public static Optional<Path> find(String... names) {
        List<Path> path = searchPath();
        for (String name : names) {
            for (Path dir : path) {
                Path p = dir.resolve(name);
                if (Files.isRegularFile(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    private static void addPathList(Set<Path> dirs, String list) {
        if (list == null || list.isBlank()) {
            return;
        }
        for (String part : list.split(":")) {
            if (!part.isBlank()) {
                dirs.add(Path.of(part.trim()));
            }
        }
    }

    private static List<Path> list(Path dir, String glob) {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, glob)) {
            s.forEach(out::add);
        } catch (IOException | SecurityException e) {
            return out;
        }
        out.sort(null);
        return out;
    }
}
