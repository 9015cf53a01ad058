package dev.quicksilver.lsp.refactor;

import dev.quicksilver.index.CompileError;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Keeps the model's text at a site only where it compiles; elsewhere the site's fallback goes in, with a note
 * saying why. A small model writes plausible text that a compiler rejects ({@code "x"} for an {@code int}, a name
 * the call site cannot see, an unterminated string): bracket balance does not catch that, the compiler does.
 *
 * <p>How. Each edited file is compiled against the workspace as the index knows it (nothing is saved): once with
 * the model's text at every site, once with every site's fallback. A site keeps the model's text unless the first
 * compile has an error starting within the site's check region ({@link Site.Fallback#checkFrom()} to
 * {@link Site.Fallback#checkTo()}, moved with the edits before it) that the second has not, compared by the compiler's
 * problem id. So an error that is there either way blames no answer: a call to a declaration the compiler does not
 * see yet, or an error that was in the file before. The second compile runs only when the first has errors in
 * some region. Sites in one file are judged together (two compiles per file, not per site); an error that one
 * answer causes in another site's region (rare: sites are separate calls or members) blames that site too. When
 * some answers gave way, the file is compiled again with the rest, up to {@link #MAX_ROUNDS} times: a syntax error
 * in one answer can keep JDT from resolving the others (an unknown name elsewhere in the file goes unreported).
 * An optional site (see {@link Site}) whose choice still adds an error is left as it was (one or two more compiles).
 *
 * <p>Not concurrent: one call per refactor, on a worker thread (compiling may take a second per file).
 */
final class CompileCheck {
    /**
     * What goes into one site: its text (without the site's before/after), or null to leave the site as it was;
     * and why, when it is the fallback or left as it was.
     */
    record Choice(String text, String note) {
    }

    /**
     * A site's answer as finished by its refactor, and its raw text (for the note): the model's, or, where
     * {@code byModel} is false, the one candidate the site was decided with (the model was not asked).
     */
    record Answer(Site site, String finished, String raw, boolean byModel) {
        Answer(Site site, String finished, String raw) {
            this(site, finished, raw, true);
        }
    }

    /** Most compiles of the answers per file (each after some answers gave way to their fallbacks). */
    static final int MAX_ROUNDS = 4;

    private CompileCheck() {
    }

    /**
     * The choice for each answer (same order), all in {@code file}, whose current text is {@code original}.
     * {@code compile} gives the compiler's errors for a text of the file; null skips the check (not Java).
     */
    static List<Choice> choose(Path file, String original, List<Answer> answers, BiFunction<Path, String, List<CompileError>> compile) {
        List<Choice> choices = new ArrayList<>();
        List<Integer> toCheck = new ArrayList<>();
        for (int i = 0; i < answers.size(); i++) {
            Answer a = answers.get(i);
            if (!a.finished().equals(a.site().fallback().text())) {
                choices.add(new Choice(a.finished(), null));
                toCheck.add(i);
            } else if (startsWithWord(a.raw().strip(), a.site().fallback().text().strip())) {
                choices.add(new Choice(a.finished(), null)); // the model wrote the fallback itself
            } else if (a.raw().isBlank()) {
                choices.add(new Choice(a.finished(), "the model wrote nothing here; used " + shown(a.site().fallback().text())));
            } else {
                choices.add(new Choice(a.finished(), "the model's answer " + shown(firstLine(a.raw()))
                        + " was not usable here; used " + shown(a.site().fallback().text())));
            }
        }
        // Even with no answer to judge (every site its fallback, or decided without the model), optional sites are
        // checked below.
        if (compile == null || toCheck.isEmpty() && answers.stream().noneMatch(a -> a.site().fallback().optional())) return choices;
        List<String> withFallbacks = answers.stream().map(a -> a.site().fallback().text()).toList();
        List<CompileError> fallbackErrors = null;
        // Rounds: a syntax error in one answer can keep the compiler from resolving the rest of the file (a method
        // that calls what does not exist, elsewhere in it, then goes unreported), so once some answers gave way to
        // their fallbacks the file is compiled again and the answers still in it are judged again.
        List<Integer> pending = new ArrayList<>(toCheck);
        for (int round = 0; round < MAX_ROUNDS && !pending.isEmpty(); round++) {
            List<String> current = choices.stream().map(Choice::text).toList();
            List<CompileError> answerErrors = compile.apply(file, apply(original, answers, current));
            List<Integer> kept = new ArrayList<>();
            for (int i : pending) {
                int[] region = region(answers, current, i);
                List<CompileError> inRegion = answerErrors.stream().filter(e -> e.startsWithin(region[0], region[1])).toList();
                if (inRegion.isEmpty()) {
                    kept.add(i);
                    continue;
                }
                if (fallbackErrors == null) fallbackErrors = compile.apply(file, apply(original, answers, withFallbacks));
                int[] fallbackRegion = region(answers, withFallbacks, i);
                Map<Integer, Integer> before = new HashMap<>();
                for (CompileError e : fallbackErrors) {
                    if (e.startsWithin(fallbackRegion[0], fallbackRegion[1])) before.merge(e.id(), 1, Integer::sum);
                }
                CompileError added = null; // the first error the fallback does not have as often
                for (CompileError e : inRegion) {
                    if (before.merge(e.id(), -1, Integer::sum) < 0) {
                        added = e;
                        break;
                    }
                }
                if (added == null) {
                    kept.add(i);
                    continue;
                }
                Site s = answers.get(i).site();
                String whose = answers.get(i).byModel() ? "the model's " + shown(current.get(i)) : shown(current.get(i)) + " (passed without the model)";
                choices.set(i, new Choice(s.fallback().text(), whose + " does not compile here (" + added.message() + "); used "
                        + shown(s.fallback().text())));
            }
            if (kept.size() == pending.size()) break; // nothing gave way: the next compile would say the same
            pending = kept;
        }
        leaveWhatDoesNotCompile(file, original, answers, choices, compile);
        return choices;
    }

    /**
     * An answer that adds the imports the model's answers in {@code file} need: the types they name that the compiler
     * cannot find ("ArrayList cannot be resolved to a type", "Objects cannot be resolved" before a dot) and that
     * {@code importable} knows one type for, where the file imports no type of that name. What an IDE adds with a
     * completion: without it a model's {@code new ArrayList<>(items)} falls back for want of a line the model cannot
     * write at its site. Put among the answers, it is kept or dropped line by line as the code still uses its
     * types ({@code Imports.used}); empty where no import is needed.
     */
    static java.util.Optional<Answer> importsFor(Path file, String original, List<Answer> answers, BiFunction<Path, String, List<CompileError>> compile,
                                                 java.util.function.Function<String, java.util.Optional<String>> importable) {
        List<Integer> written = new ArrayList<>();
        for (int i = 0; i < answers.size(); i++) {
            Answer a = answers.get(i);
            if (a.byModel() && !a.finished().equals(a.site().fallback().text())) written.add(i);
        }
        if (compile == null || written.isEmpty()) return java.util.Optional.empty();
        List<String> current = answers.stream().map(Answer::finished).toList();
        String text = apply(original, answers, current);
        java.util.Set<String> names = new java.util.TreeSet<>();
        for (CompileError e : compile.apply(file, text)) {
            String name = ImportableTypes.unresolvedTypeName(text, e);
            if (name == null) continue;
            for (int i : written) {
                int[] region = region(answers, current, i);
                if (e.startsWithin(region[0], region[1])) names.add(name);
            }
        }
        return ImportableTypes.insertion(file, original, names, importable)
                .map(i -> new Answer(Imports.site(file, original, i.lines(), false), i.text(), i.text(), false));
    }

    /**
     * Optional sites whose choice adds an error in their region that the unchanged file does not have are left
     * as they were: a similar place where the example edit, and the model's version of it, do not compile (the
     * same variable passed to a method of another arity, say) is not a place for this edit.
     */
    private static void leaveWhatDoesNotCompile(Path file, String original, List<Answer> answers, List<Choice> choices,
                                                BiFunction<Path, String, List<CompileError>> compile) {
        if (answers.stream().noneMatch(a -> a.site().fallback().optional())) return;
        List<String> chosen = choices.stream().map(Choice::text).toList();
        List<CompileError> chosenErrors = compile.apply(file, apply(original, answers, chosen));
        List<CompileError> originalErrors = null;
        for (int i = 0; i < answers.size(); i++) {
            Site s = answers.get(i).site();
            if (!s.fallback().optional()) continue;
            int[] region = region(answers, chosen, i);
            List<CompileError> inRegion = chosenErrors.stream().filter(e -> e.startsWithin(region[0], region[1])).toList();
            if (inRegion.isEmpty()) continue;
            if (originalErrors == null) originalErrors = compile.apply(file, original);
            Map<Integer, Integer> before = new HashMap<>();
            for (CompileError e : originalErrors) {
                if (e.startsWithin(s.fallback().checkFrom(), s.fallback().checkTo())) before.merge(e.id(), 1, Integer::sum);
            }
            for (CompileError e : inRegion) {
                if (before.merge(e.id(), -1, Integer::sum) < 0) {
                    String what = chosen.get(i).isBlank() ? "removing " + shown(original.substring(s.start(), s.end())) : shown(chosen.get(i));
                    choices.set(i, new Choice(null, "left as it was: " + what + " does not compile here (" + e.message() + ")"));
                    break;
                }
            }
        }
    }

    /**
     * The file's text with each site's {@code [start, end)} replaced by before + text + after; a null text leaves
     * the site as it was.
     */
    static String apply(String original, List<Answer> answers, List<String> texts) {
        List<Integer> order = byStart(answers);
        StringBuilder out = new StringBuilder();
        int at = 0;
        for (int i : order) {
            Site s = answers.get(i).site();
            if (texts.get(i) == null) continue;
            out.append(original, at, s.start()).append(s.before()).append(texts.get(i)).append(s.after());
            at = s.end();
        }
        return out.append(original.substring(at)).toString();
    }

    /** Site {@code i}'s check region in the text {@link #apply} gives for {@code texts}. */
    static int[] region(List<Answer> answers, List<String> texts, int i) {
        Site site = answers.get(i).site();
        int startShift = 0;
        int endShift = 0;
        for (int j = 0; j < answers.size(); j++) {
            Site s = answers.get(j).site();
            int growth = texts.get(j) == null ? 0 : s.before().length() + texts.get(j).length() + s.after().length() - (s.end() - s.start());
            // An edit counts before the region's start only when it lies wholly before it (the site's own
            // insertion at the region's start does not); before its end when it starts inside or before it.
            if (j != i && s.end() <= site.fallback().checkFrom() && s.start() < site.fallback().checkFrom()) startShift += growth;
            if (j == i || s.start() < site.fallback().checkTo()) endShift += growth;
        }
        return new int[] {site.fallback().checkFrom() + startShift, site.fallback().checkTo() + endShift};
    }

    private static List<Integer> byStart(List<Answer> answers) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < answers.size(); i++) order.add(i);
        order.sort((a, b) -> Integer.compare(answers.get(a).site().start(), answers.get(b).site().start()));
        return order;
    }

    private static boolean startsWithWord(String text, String word) {
        return text.startsWith(word) && (text.length() == word.length() || !Character.isJavaIdentifierPart(text.charAt(word.length())));
    }

    private static String firstLine(String text) {
        String t = text.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl) + " ...";
    }

    private static String shown(String text) {
        String t = text.strip().replaceAll("\\s+", " ");
        return "`" + (t.length() > 60 ? t.substring(0, 57) + "..." : t) + "`";
    }
}
