package dev.quicksilver.index.workspace;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The rules of one {@code .gitignore} file (or {@code .git/info/exclude}), matched against paths below its folder.
 *
 * <p>Semantics follow gitignore(5): blank lines and {@code #} comments are skipped; {@code !} re-includes; a
 * trailing {@code /} matches folders only; a pattern with a {@code /} at its start or middle is relative to the
 * file's folder, otherwise it matches a name at any depth; {@code *} and {@code ?} stop at {@code /}, {@code **}
 * crosses folders; the last matching rule of a file wins. Which file wins between nested files is the caller's
 * business ({@link WorkspaceScanner}: the deepest file with a matching rule).
 */
public final class GitIgnoreRules {
    private record Rule(Pattern pattern, boolean negated, boolean directoryOnly) {
    }

    private final Path baseDirectory;
    private final List<Rule> rules;

    private GitIgnoreRules(Path baseDirectory, List<Rule> rules) {
        this.baseDirectory = baseDirectory;
        this.rules = rules;
    }

    /** Reads {@code file} whose rules apply below {@code baseDirectory}; an unreadable file has no rules. */
    public static Optional<GitIgnoreRules> load(Path baseDirectory, Path file) {
        if (!Files.isRegularFile(file)) return Optional.empty();
        try {
            return Optional.of(parse(baseDirectory, Files.readAllLines(file, StandardCharsets.UTF_8)));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    public static GitIgnoreRules parse(Path baseDirectory, List<String> lines) {
        List<Rule> rules = new ArrayList<>();
        for (String raw : lines) {
            String line = stripTrailingSpaces(raw);
            if (line.isEmpty() || line.startsWith("#")) continue;
            boolean negated = false;
            if (line.startsWith("!")) {
                negated = true;
                line = line.substring(1);
            } else if (line.startsWith("\\!") || line.startsWith("\\#")) {
                line = line.substring(1);
            }
            boolean directoryOnly = line.endsWith("/");
            if (directoryOnly) line = line.substring(0, line.length() - 1);
            if (line.isEmpty()) continue;
            // A slash anywhere but at the end anchors the pattern to this file's folder.
            boolean anchored = line.contains("/");
            if (line.startsWith("/")) line = line.substring(1);
            String regex = (anchored ? "" : "(?:.*/)?") + globToRegex(line);
            rules.add(new Rule(Pattern.compile(regex), negated, directoryOnly));
        }
        return new GitIgnoreRules(baseDirectory, List.copyOf(rules));
    }

    public Path baseDirectory() {
        return baseDirectory;
    }

    /**
     * @return empty if no rule of this file matches {@code path}; else true when it is ignored, false when a
     *         negated rule re-includes it
     */
    public Optional<Boolean> match(Path path, boolean isDirectory) {
        if (!path.startsWith(baseDirectory) || path.equals(baseDirectory)) return Optional.empty();
        String relative = baseDirectory.relativize(path).toString().replace('\\', '/');
        for (int i = rules.size() - 1; i >= 0; i--) {
            Rule rule = rules.get(i);
            if (rule.directoryOnly && !isDirectory) continue;
            if (rule.pattern.matcher(relative).matches()) return Optional.of(!rule.negated);
        }
        return Optional.empty();
    }

    private static String stripTrailingSpaces(String line) {
        int end = line.length();
        while (end > 0 && line.charAt(end - 1) == ' ' && !(end > 1 && line.charAt(end - 2) == '\\')) end--;
        return line.substring(0, end);
    }

    static String globToRegex(String glob) {
        StringBuilder regex = new StringBuilder();
        int i = 0;
        while (i < glob.length()) {
            char c = glob.charAt(i);
            if (c == '*') {
                boolean doubleStar = i + 1 < glob.length() && glob.charAt(i + 1) == '*';
                if (doubleStar) {
                    boolean atStart = i == 0 || glob.charAt(i - 1) == '/';
                    boolean slashAfter = i + 2 < glob.length() && glob.charAt(i + 2) == '/';
                    boolean atEnd = i + 2 == glob.length();
                    if (atStart && slashAfter) { // "**/": zero or more folders
                        regex.append("(?:.*/)?");
                        i += 3;
                        continue;
                    }
                    if (atStart && atEnd) { // "/**" at the end: everything inside
                        regex.append(".*");
                        i += 2;
                        continue;
                    }
                    regex.append("[^/]*"); // "**" elsewhere is an ordinary "*"
                    i += 2;
                    continue;
                }
                regex.append("[^/]*");
            } else if (c == '?') {
                regex.append("[^/]");
            } else if (c == '[') {
                int close = glob.indexOf(']', i + 2);
                if (close < 0) {
                    regex.append("\\[");
                } else {
                    String body = glob.substring(i + 1, close);
                    if (body.startsWith("!")) body = "^" + body.substring(1);
                    regex.append('[').append(body.replace("\\", "\\\\")).append(']');
                    i = close;
                }
            } else if (c == '\\' && i + 1 < glob.length()) {
                regex.append(Pattern.quote(String.valueOf(glob.charAt(++i))));
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
            i++;
        }
        // A pattern that names a folder also ignores everything below it.
        return regex + "(?:/.*)?";
    }
}
