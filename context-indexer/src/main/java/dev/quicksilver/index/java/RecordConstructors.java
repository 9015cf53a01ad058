package dev.quicksilver.index.java;

import java.util.ArrayList;
import java.util.List;

/**
 * A record's canonical constructor when the record does not declare it ({@code record Point(int x, int y)}): the
 * compiler makes it, calls ({@code new Point(1, 2)}) bind to it, and a refactor that changes the components
 * (add-parameter, remove-parameter) starts from it, so the index lists it as a declaration of its own, on the
 * record's header. The outline and the resolved facts decide the same way, from the same text: a declared
 * constructor is the canonical one when it is compact ({@code Point { ... }}) or its parameter types are the
 * components' types as written.
 */
final class RecordConstructors {
    private RecordConstructors() {
    }

    /** Whether a declared constructor with the parameter list {@code parameters} (null: compact) is the canonical one. */
    static boolean isCanonical(String components, String parameters) {
        return parameters == null || parameterTypes(components).equals(parameterTypes(parameters));
    }

    /** The header of the implicit canonical constructor: the record's access modifier, its name and components. */
    static String signature(List<String> recordModifiers, String name, String components) {
        String access = modifiers(recordModifiers).stream().findFirst().map(m -> m + " ").orElse("");
        return access + name + "(" + components + ")";
    }

    /** The access modifier of the implicit canonical constructor, as the record's modifiers give it. */
    static List<String> modifiers(List<String> recordModifiers) {
        return recordModifiers.stream().filter(m -> m.equals("public") || m.equals("protected") || m.equals("private")).toList();
    }

    /** The index of the ')' that closes the '(' at {@code open} of {@code source}, or -1. */
    static int closingParen(String source, int open) {
        int depth = 0;
        for (int i = open; i < source.length(); i++) {
            char c = source.charAt(i);
            if (c == '(') depth++;
            else if (c == ')' && --depth == 0) return i;
            else if (c == '{' || c == ';') return -1;
        }
        return -1;
    }

    /** The types of a parameter or component list as written, without names, annotations, {@code final} and blanks. */
    static List<String> parameterTypes(String list) {
        List<String> types = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i <= list.length(); i++) {
            char c = i < list.length() ? list.charAt(i) : ',';
            if (c == '<' || c == '(' || c == '[') depth++;
            else if (c == '>' || c == ')' || c == ']') depth--;
            else if (c == ',' && depth == 0) {
                String p = list.substring(start, i).replaceAll("@[\\w.]+(\\([^)]*\\))?", " ").replaceAll("\\bfinal\\s+", " ").strip();
                if (!p.isEmpty()) {
                    int nameStart = p.length();
                    while (nameStart > 0 && Character.isJavaIdentifierPart(p.charAt(nameStart - 1))) nameStart--;
                    types.add(p.substring(0, nameStart).replaceAll("\\s+", ""));
                }
                start = i + 1;
            }
        }
        return types;
    }
}
