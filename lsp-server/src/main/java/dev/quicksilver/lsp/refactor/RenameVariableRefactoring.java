package dev.quicksilver.lsp.refactor;

import dev.quicksilver.index.VariableUses;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * "The user retyped a local variable's name where it is declared: rename its uses." The everyday rename (IntelliJ
 * suggests it after the edit too): {@code int count = 0;} -> {@code int total = 0;} breaks every {@code count} after
 * it, or worse, leaves them meaning a field of that name. The uses are found as the compiler bound them before the
 * edit (the file as it was, resolved: a field or another variable of the name is not taken), so they are exactly the
 * variable's. A lambda's, a catch clause's or a for loop's variable too; a method's parameter is change-signature's
 * (its Javadoc's {@code @param} follows). Refused, with the line, where the new name is another variable's used or
 * declared in the variable's scope (renaming would change what that name means). One file, decided, without the
 * model.
 */
public final class RenameVariableRefactoring implements Refactoring {
    @Override
    public String name() {
        return "rename-variable";
    }

    @Override
    public String description() {
        return "rename a local variable's uses after its name was retyped where it is declared";
    }

    @Override
    public Optional<RefactorPlan> plan(RefactorInput in) {
        if (in.lastEdit().isEmpty()) return Optional.empty();
        var edit = in.lastEdit().get();
        Path file = in.file();
        String now = in.text(file);
        String before = AddParameterRefactoring.textBeforeEdit(now, edit);
        // The word at the position (in it or right after it, where typing ends), on a line of the edit.
        int at = JavaText.offsetOf(now, in.position().line(), in.position().column());
        if (at < 0 || in.position().line() < edit.startLine() || in.position().line() > edit.afterEndLine()) return Optional.empty();
        int start = at;
        while (start > 0 && Character.isJavaIdentifierPart(now.charAt(start - 1))) start--;
        int end = at;
        while (end < now.length() && Character.isJavaIdentifierPart(now.charAt(end))) end++;
        if (start == end || !Character.isJavaIdentifierStart(now.charAt(start))) return Optional.empty();
        String renamed = now.substring(start, end);
        // The file as it was differs from it by that word alone.
        if (!before.regionMatches(0, now, 0, start)) return Optional.empty();
        int oldEnd = start;
        while (oldEnd < before.length() && Character.isJavaIdentifierPart(before.charAt(oldEnd))) oldEnd++;
        String old = before.substring(start, oldEnd);
        if (old.isEmpty() || old.equals(renamed) || !Character.isJavaIdentifierStart(old.charAt(0))
                || before.length() - oldEnd != now.length() - end || !before.regionMatches(oldEnd, now, end, now.length() - end)
                || !mayDeclare(before, start, oldEnd)) {
            return Optional.empty();
        }
        Optional<VariableUses> found = in.index().variableUses(file, before, start, renamed);
        if (found.isEmpty() || found.get().methodParameter() || found.get().uses().isEmpty()) return Optional.empty();
        int shift = renamed.length() - old.length();
        if (found.get().clashes()) {
            int clash = found.get().clashAt();
            int line = JavaText.lineOf(before, clash) + 1;
            return Optional.of(RefactorPlan.refused(name(), "Rename variable " + old + " to " + renamed, renamed + " on line " + line
                    + " is another variable (a field, or a local) in " + old + "'s scope, so " + old + " cannot take its name: choose another name"));
        }
        String context = "// the variable " + old + ", renamed " + renamed + "\n";
        List<Site> sites = new ArrayList<>();
        for (int use : found.get().uses()) {
            int offset = use < start ? use : use + shift;
            if (now.startsWith(old, offset)) sites.add(Site.decided(file, offset, offset + old.length(), renamed, context));
        }
        if (sites.isEmpty()) return Optional.empty();
        String title = "Rename variable " + old + " to " + renamed + ", at its " + sites.size() + (sites.size() == 1 ? " use" : " uses");
        return Optional.of(new RefactorPlan(name(), title, sites, 0, "each use the compiler bound to the variable before the edit, under the new name"));
    }

    private static final java.util.Set<String> NOT_TYPES = java.util.Set.of("return", "new", "throw", "case", "else", "assert", "yield", "do",
            "instanceof", "default");

    /**
     * Whether the word {@code [start, end)} of {@code text} may be a variable's name where it is declared: after a
     * type ({@code int count}, {@code List<String> names}, {@code byte[] data}), or a lambda's parameter (before
     * {@code ->}, or in a list that is). Only then is the file resolved: an identifier retyped in an expression is
     * none, and code actions are asked for at every cursor move.
     */
    static boolean mayDeclare(String text, int start, int end) {
        int after = JavaText.skipBlank(text, end);
        if (text.startsWith("->", after)) return true;
        int before = JavaText.skipBlankBack(text, start);
        if (before == 0) return false;
        char c = text.charAt(before - 1);
        if (c == '>' || c == ']') return true;
        if (Character.isJavaIdentifierPart(c)) {
            int word = before;
            while (word > 0 && Character.isJavaIdentifierPart(text.charAt(word - 1))) word--;
            return !NOT_TYPES.contains(text.substring(word, before));
        }
        if (c != '(' && c != ',') return false;
        // A name in a list: a lambda's when the list's closing parenthesis comes before "->".
        int depth = 0;
        for (int i = end; i < text.length() && i < end + 500; i++) {
            char d = text.charAt(i);
            if (d == '(') depth++;
            if (d == ')' && depth-- == 0) return text.startsWith("->", JavaText.skipBlank(text, i + 1));
            if (d == ';' || d == '{') return false;
        }
        return false;
    }
}
