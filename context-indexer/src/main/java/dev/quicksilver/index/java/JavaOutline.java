package dev.quicksilver.index.java;

import dev.quicksilver.index.SourceLocation;
import dev.quicksilver.index.SymbolInfo;
import dev.quicksilver.index.SymbolKind;
import dev.quicksilver.index.TextRange;
import org.eclipse.jdt.core.ToolFactory;
import org.eclipse.jdt.core.compiler.IScanner;
import org.eclipse.jdt.core.compiler.ITerminalSymbols;
import org.eclipse.jdt.core.compiler.InvalidInputException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The declarations of one Java file read from its tokens alone, without a parse tree or bindings: the first phase
 * of the cold index, which makes a large workspace answer context queries within a few multiples of what
 * universal-ctags takes to tag it, while JDT resolves every file behind it. The idea is the one ctags and JDT's
 * own "diet parse" share: declarations are recognised at type-body level and method bodies and initializers are
 * skipped as balanced brackets, never looked into.
 *
 * <p>What it gives is meant to equal what {@link FactsCollector} gives for the same declarations (same kinds,
 * names, qualified names, signatures, modifiers, javadoc summaries and ranges), so the context the model sees does
 * not change when the resolved facts replace these. Differences, all filled in by the resolved facts:
 * <ul>
 *   <li>no call sites, references or supertype keys (they need bindings);</li>
 *   <li>types are keyed with JDT's binding key scheme ({@code Lp/A;}, {@code Lp/A$B;}, {@code Lp/A<TT;>;},
 *       {@code Lp/Main~Other;} for a secondary type), so resolved references of other files already find them;
 *       methods and fields get provisional keys (their declaring type's key, the name and, for methods, the
 *       parameter list as written, ending in {@code ~outline}), since JDT's need resolved parameter types;</li>
 *   <li>no declarations inside method bodies and initializers (local and anonymous classes).</li>
 * </ul>
 * Code the scanner cannot read to its end (an unterminated string or comment) keeps the declarations found before
 * it. Stateless; one call per file, from any thread.
 */
public final class JavaOutline {
    private static final int MAX_SIGNATURE_CHARS = 400;
    static final String PROVISIONAL_KEY_SUFFIX = "~outline";
    private static final Set<String> MODIFIERS = Set.of("public", "protected", "private", "static", "abstract", "final",
            "native", "synchronized", "transient", "volatile", "strictfp", "default", "sealed", "non-sealed");

    // Token classes the outline tells apart; everything else is OTHER.
    private static final byte OTHER = 0, IDENT = 1, LBRACE = 2, RBRACE = 3, LPAREN = 4, RPAREN = 5, LBRACKET = 6,
            RBRACKET = 7, SEMI = 8, COMMA = 9, EQUAL = 10, LESS = 11, GREATER = 12, SHIFT2 = 13, SHIFT3 = 14, DOT = 15,
            AT = 16, JAVADOC = 17, COMMENT = 18, KEYWORD = 19, PRIMITIVE = 20;

    private final Path path;
    private final String source;
    private final String primaryTypeName;
    private final int[] lineStarts;
    // The token stream, comments included.
    private byte[] kinds = new byte[1024];
    private int[] starts = new int[1024];
    private int[] ends = new int[1024];
    private int count;

    private String packageName = "";
    private final List<String> imports = new ArrayList<>();
    private final List<SymbolInfo> declarations = new ArrayList<>();

    private JavaOutline(Path path, String source) {
        this.path = path;
        this.source = source;
        String fileName = path.getFileName().toString();
        this.primaryTypeName = fileName.endsWith(".java") ? fileName.substring(0, fileName.length() - 5) : fileName;
        this.lineStarts = lineStarts(source);
    }

    /** The outline of one file: package, imports and declarations; no calls or references. */
    public static JavaFileFacts of(Path path, String source) {
        JavaOutline outline = new JavaOutline(path, source);
        if (!outline.primaryTypeName.equals("module-info")) {
            outline.tokenize();
            outline.compilationUnit();
        }
        return new JavaFileFacts(path, outline.packageName, outline.imports, outline.declarations, List.of(), List.of(), 0, "", false);
    }

    /** True for the keys this class makes up for members (JDT's own keys never end this way). */
    public static boolean isProvisionalKey(String key) {
        return key.endsWith(PROVISIONAL_KEY_SUFFIX);
    }

    // ---- tokens ----

    private void tokenize() {
        String level = JavaEnvironment.javaVersion();
        IScanner scanner = ToolFactory.createScanner(true, false, false, level, level);
        scanner.setSource(source.toCharArray());
        try {
            for (int token = scanner.getNextToken(); token != ITerminalSymbols.TokenNameEOF; token = scanner.getNextToken()) {
                byte kind = classify(token);
                int start = scanner.getCurrentTokenStartPosition();
                int end = scanner.getCurrentTokenEndPosition() + 1;
                if (kind == IDENT && end - start == 3 && source.startsWith("non-sealed", start)) {
                    // Some scanner versions give non-sealed as three tokens.
                    kind = KEYWORD;
                    end += 7;
                    scanner.resetTo(end, source.length() - 1);
                }
                add(kind, start, end);
            }
        } catch (InvalidInputException e) {
            // Unreadable from here on (an unterminated string, comment or text block): keep what came before.
        }
    }

    private void add(byte kind, int start, int end) {
        if (count == kinds.length) {
            kinds = java.util.Arrays.copyOf(kinds, count * 2);
            starts = java.util.Arrays.copyOf(starts, count * 2);
            ends = java.util.Arrays.copyOf(ends, count * 2);
        }
        kinds[count] = kind;
        starts[count] = start;
        ends[count] = end;
        count++;
    }

    /** The text of token {@code i}; made only where a declaration needs it (most tokens are in skipped bodies). */
    private String word(int i) {
        return source.substring(starts[i], ends[i]);
    }

    private static byte classify(int token) {
        return switch (token) {
            case ITerminalSymbols.TokenNameIdentifier, ITerminalSymbols.TokenNameRestrictedIdentifierrecord,
                 ITerminalSymbols.TokenNameRestrictedIdentifiersealed, ITerminalSymbols.TokenNameRestrictedIdentifierpermits,
                 ITerminalSymbols.TokenNameRestrictedIdentifierYield, ITerminalSymbols.TokenNameRestrictedIdentifierWhen -> IDENT;
            case ITerminalSymbols.TokenNamenon_sealed, ITerminalSymbols.TokenNamepublic, ITerminalSymbols.TokenNameprotected,
                 ITerminalSymbols.TokenNameprivate, ITerminalSymbols.TokenNamestatic, ITerminalSymbols.TokenNameabstract,
                 ITerminalSymbols.TokenNamefinal, ITerminalSymbols.TokenNamenative, ITerminalSymbols.TokenNamesynchronized,
                 ITerminalSymbols.TokenNametransient, ITerminalSymbols.TokenNamevolatile, ITerminalSymbols.TokenNamestrictfp,
                 ITerminalSymbols.TokenNamedefault, ITerminalSymbols.TokenNameclass, ITerminalSymbols.TokenNameinterface,
                 ITerminalSymbols.TokenNameenum, ITerminalSymbols.TokenNamepackage, ITerminalSymbols.TokenNameimport,
                 ITerminalSymbols.TokenNamethrows, ITerminalSymbols.TokenNameextends,
                 ITerminalSymbols.TokenNameimplements -> KEYWORD;
            case ITerminalSymbols.TokenNameboolean, ITerminalSymbols.TokenNamebyte, ITerminalSymbols.TokenNamechar,
                 ITerminalSymbols.TokenNameshort, ITerminalSymbols.TokenNameint, ITerminalSymbols.TokenNamelong,
                 ITerminalSymbols.TokenNamefloat, ITerminalSymbols.TokenNamedouble, ITerminalSymbols.TokenNamevoid -> PRIMITIVE;
            case ITerminalSymbols.TokenNameLBRACE -> LBRACE;
            case ITerminalSymbols.TokenNameRBRACE -> RBRACE;
            case ITerminalSymbols.TokenNameLPAREN -> LPAREN;
            case ITerminalSymbols.TokenNameRPAREN -> RPAREN;
            case ITerminalSymbols.TokenNameLBRACKET -> LBRACKET;
            case ITerminalSymbols.TokenNameRBRACKET -> RBRACKET;
            case ITerminalSymbols.TokenNameSEMICOLON -> SEMI;
            case ITerminalSymbols.TokenNameCOMMA -> COMMA;
            case ITerminalSymbols.TokenNameEQUAL -> EQUAL;
            case ITerminalSymbols.TokenNameLESS -> LESS;
            case ITerminalSymbols.TokenNameGREATER -> GREATER;
            case ITerminalSymbols.TokenNameRIGHT_SHIFT -> SHIFT2;
            case ITerminalSymbols.TokenNameUNSIGNED_RIGHT_SHIFT -> SHIFT3;
            case ITerminalSymbols.TokenNameDOT -> DOT;
            case ITerminalSymbols.TokenNameAT -> AT;
            // Markdown documentation comments (///, JEP 467) document a declaration as /** */ ones do.
            case ITerminalSymbols.TokenNameCOMMENT_JAVADOC, ITerminalSymbols.TokenNameCOMMENT_MARKDOWN -> JAVADOC;
            case ITerminalSymbols.TokenNameCOMMENT_LINE, ITerminalSymbols.TokenNameCOMMENT_BLOCK -> COMMENT;
            default -> OTHER;
        };
    }

    private byte kind(int i) {
        return i < count ? kinds[i] : OTHER;
    }

    private boolean is(int i, byte kind) {
        return i < count && kinds[i] == kind;
    }

    private boolean isWord(int i, String word) {
        return i < count && ends[i] - starts[i] == word.length() && source.startsWith(word, starts[i]);
    }

    /** The next token at or after {@code i} that is not a comment. */
    private int code(int i) {
        while (i < count && (kinds[i] == JAVADOC || kinds[i] == COMMENT)) i++;
        return i;
    }

    /** Index after the bracket that closes the one at {@code open} (braces, parentheses or brackets). */
    private int skipBalanced(int open) {
        byte o = kinds[open];
        byte c = o == LBRACE ? RBRACE : o == LPAREN ? RPAREN : RBRACKET;
        int depth = 0;
        for (int i = open; i < count; i++) {
            if (kinds[i] == o) depth++;
            else if (kinds[i] == c && --depth == 0) return i + 1;
        }
        return count;
    }

    /** Index after the type arguments or parameters that start at the {@code <} at {@code open}. */
    private int skipAngles(int open) {
        int depth = 0;
        for (int i = open; i < count; i++) {
            switch (kinds[i]) {
                case LESS -> depth++;
                case GREATER -> depth--;
                case SHIFT2 -> depth -= 2;
                case SHIFT3 -> depth -= 3;
                case LBRACE, RBRACE, SEMI -> { return i; } // not type arguments after all
                default -> { }
            }
            if (depth <= 0) return i + 1;
        }
        return count;
    }

    // ---- declarations ----

    private void compilationUnit() {
        int i = 0;
        // package: annotations may come first (package-info.java)
        int p = skipAnnotations(code(i));
        if (isWord(p, "package")) {
            int end = p + 1;
            StringBuilder name = new StringBuilder();
            while (end < count && kinds[end] != SEMI) {
                if (kinds[end] == IDENT || kinds[end] == DOT) name.append(source, starts[end], ends[end]);
                end++;
            }
            packageName = name.toString();
            i = end + 1;
        }
        // Comments stay in the stream: the last one may be the first type's javadoc.
        while (isWord(code(i), "import")) {
            int end = code(i) + 1;
            StringBuilder name = new StringBuilder();
            boolean isStatic = isWord(end, "static");
            if (isStatic) end++;
            while (end < count && kinds[end] != SEMI) {
                int k = code(end);
                if (k >= count || kinds[k] == SEMI) { end = k; break; }
                name.append(source, starts[k], ends[k]);
                end = k + 1;
            }
            imports.add((isStatic ? "static " : "") + name);
            i = end + 1;
        }
        members(i, null);
    }

    /**
     * The members of a type body (or, with {@code owner} null, the top-level types of the file) from token
     * {@code i}; returns the index of the closing brace (or the end).
     */
    private int members(int i, TypeScope owner) {
        int docComment = -1;
        while (i < count) {
            byte k = kinds[i];
            if (k == RBRACE) return i;
            if (k == JAVADOC) { docComment = i; i++; continue; }
            if (k == COMMENT) { i++; continue; }
            if (k == SEMI) { docComment = -1; i++; continue; }
            int next = member(i, docComment, owner);
            docComment = -1;
            i = Math.max(next, i + 1);
        }
        return count;
    }

    /** One member declaration starting at token {@code first}; returns the index after it. */
    private int member(int first, int docComment, TypeScope owner) {
        // Initializer blocks: static { ... } and { ... }
        if (kinds[first] == LBRACE) return skipBalanced(first);
        if (isWord(first, "static") && is(code(first + 1), LBRACE)) return skipBalanced(code(first + 1));

        List<String> modifiers = new ArrayList<>();
        int i = first;
        while (i < count) {
            i = code(i);
            if (is(i, AT) && !isWord(code(i + 1), "interface")) {
                i = skipAnnotation(i);
            } else if ((kind(i) == KEYWORD || kind(i) == IDENT) && MODIFIERS.contains(word(i)) && startsDeclaration(code(i + 1))) {
                modifiers.add(word(i).intern());
                i++;
            } else {
                break;
            }
        }
        int start = docComment >= 0 ? starts[docComment] : starts[first];
        int headerStart = docComment >= 0 ? ends[docComment] : starts[first];
        Header header = new Header(start, headerStart, modifiers, docSummary(docComment));

        if (isWord(i, "class")) return type(i + 1, SymbolKind.CLASS, header, owner);
        if (isWord(i, "interface")) return type(i + 1, SymbolKind.INTERFACE, header, owner);
        if (isWord(i, "enum")) return type(i + 1, SymbolKind.ENUM, header, owner);
        if (is(i, AT) && isWord(code(i + 1), "interface")) return type(code(i + 1) + 1, SymbolKind.ANNOTATION, header, owner);
        if (isWord(i, "record") && is(code(i + 1), IDENT) && (is(code(code(i + 1) + 1), LPAREN) || is(code(code(i + 1) + 1), LESS))) {
            return type(i + 1, SymbolKind.RECORD, header, owner);
        }
        if (owner == null) return skipUnknown(i); // top level: only types (or code this outline does not read)

        if (is(i, LESS)) i = code(skipAngles(i)); // a generic method's or constructor's type parameters
        if (is(i, IDENT) && is(code(i + 1), LPAREN) && isWord(i, owner.name)) {
            return method(i, SymbolKind.CONSTRUCTOR, header, owner);
        }
        if (is(i, IDENT) && is(code(i + 1), LBRACE) && owner.kind == SymbolKind.RECORD && isWord(i, owner.name)) {
            return method(i, SymbolKind.CONSTRUCTOR, header, owner); // compact canonical constructor
        }
        int afterType = skipType(i);
        if (afterType == i || !is(afterType, IDENT)) return skipUnknown(i);
        int name = afterType;
        int after = code(name + 1);
        if (is(after, LPAREN)) return method(name, SymbolKind.METHOD, header, owner);
        if (is(after, EQUAL) || is(after, SEMI) || is(after, COMMA) || is(after, LBRACKET)) return fields(name, header, owner);
        return skipUnknown(i);
    }

    /** Whether a word at {@code i} can follow a modifier (so {@code default} in {@code default:} is not one). */
    private boolean startsDeclaration(int i) {
        byte k = kind(i);
        return k == IDENT || k == KEYWORD || k == PRIMITIVE || k == AT || k == LESS;
    }

    private int skipAnnotations(int i) {
        while (is(i, AT) && !isWord(code(i + 1), "interface")) i = code(skipAnnotation(i));
        return i;
    }

    /** Index after {@code @Name(...)} starting at the {@code @} at {@code at}. */
    private int skipAnnotation(int at) {
        int i = code(at + 1);
        while (is(i, IDENT)) {
            i = code(i + 1);
            if (is(i, DOT) && is(code(i + 1), IDENT)) i = code(i + 1);
            else break;
        }
        return is(i, LPAREN) ? skipBalanced(i) : i;
    }

    /** Index after one type ({@code java.util.Map<K, V>[]}, {@code int}, with annotations), or {@code i} if none. */
    private int skipType(int i) {
        int j = skipAnnotations(code(i));
        if (kind(j) == PRIMITIVE) {
            j = code(j + 1);
        } else if (kind(j) == IDENT) {
            j = code(j + 1);
            while (true) {
                if (is(j, LESS)) j = code(skipAngles(j));
                if (is(j, DOT) && (is(code(j + 1), IDENT) || is(code(j + 1), AT))) j = code(skipAnnotations(code(j + 1)) + 1);
                else break;
            }
        } else {
            return i;
        }
        while (true) { // array dimensions, annotated or not (varargs only occur in parameter lists, skipped whole)
            int k = skipAnnotations(j);
            if (is(k, LBRACKET) && is(code(k + 1), RBRACKET)) j = code(code(k + 1) + 1);
            else return j;
        }
    }

    /** Code this outline does not recognise: skip to the end of the statement or of the block it opens. */
    private int skipUnknown(int i) {
        while (i < count) {
            switch (kinds[i]) {
                case SEMI -> { return i + 1; }
                case LBRACE -> { return skipBalanced(i); }
                case RBRACE -> { return i; }
                case LPAREN, LBRACKET -> i = skipBalanced(i);
                default -> i++;
            }
        }
        return count;
    }

    private int type(int nameIndex, SymbolKind kind, Header header, TypeScope owner) {
        int n = code(nameIndex);
        if (!is(n, IDENT)) return skipUnknown(n);
        String name = word(n);
        int i = code(n + 1);
        List<String> typeParameters = new ArrayList<>();
        if (is(i, LESS)) {
            int end = skipAngles(i);
            typeParameters = typeParameterNames(i, end);
            i = code(end);
        }
        // Member interfaces, enums, records and annotations are static, and so is every type inside an interface.
        boolean inner = owner != null && kind == SymbolKind.CLASS && !header.modifiers.contains("static")
                && owner.kind != SymbolKind.INTERFACE && owner.kind != SymbolKind.ANNOTATION;
        String key = typeKey(owner, name, typeParameters, inner);
        String qualifiedName = owner != null ? owner.qualifiedName + "." + name : packageName.isEmpty() ? name : packageName + "." + name;
        int headerEnd = source.indexOf('{', ends[n]);
        // Find the body: the first brace at this level after the header (records: after the components).
        while (i < count && kinds[i] != LBRACE && kinds[i] != SEMI && kinds[i] != RBRACE) {
            i = kinds[i] == LPAREN || kinds[i] == LBRACKET ? skipBalanced(i) : kinds[i] == LESS ? skipAngles(i) : i + 1;
        }
        if (!is(i, LBRACE)) return i; // a broken header: the resolved phase will say what is wrong
        int declarationIndex = declarations.size();
        declarations.add(null); // placed before its members, as the resolved facts are
        TypeScope scope = new TypeScope(key, name, qualifiedName, kind);
        int close = kind == SymbolKind.ENUM ? enumBody(i + 1, scope) : members(i + 1, scope);
        int end = close < count ? ends[close] : source.length();
        String signature = signature(header.headerStart, headerEnd < 0 ? end : headerEnd);
        declarations.set(declarationIndex, new SymbolInfo(key, kind, name, qualifiedName, owner == null ? "" : owner.key,
                signature, header.modifiers, header.javadoc, location(header.start, end), range(starts[n], ends[n]), List.of()));
        if (kind == SymbolKind.RECORD) implicitCanonicalConstructor(n, declarationIndex, scope, header);
        return close + 1;
    }

    /**
     * The canonical constructor of the record named at token {@code n} when its members (declared after {@code
     * typeIndex}) do not declare it: a declaration on the header, right after the record's ({@link RecordConstructors}).
     */
    private void implicitCanonicalConstructor(int n, int typeIndex, TypeScope record, Header header) {
        int open = source.indexOf('(', ends[n]);
        int close = open < 0 ? -1 : RecordConstructors.closingParen(source, open);
        if (close < 0) return;
        String components = collapse(source.substring(open + 1, close));
        String prefix = record.key + "." + record.name;
        for (int d = typeIndex + 1; d < declarations.size(); d++) {
            SymbolInfo s = declarations.get(d);
            if (s == null || s.kind() != SymbolKind.CONSTRUCTOR || !s.declaringTypeKey().equals(record.key)
                    || !s.key().startsWith(prefix) || !s.key().endsWith(PROVISIONAL_KEY_SUFFIX)) continue;
            // The provisional key holds the parameter list as written ("(int x, int y)"), none for a compact one.
            String rest = s.key().substring(prefix.length(), s.key().length() - PROVISIONAL_KEY_SUFFIX.length());
            String parameters = rest.startsWith("(") && rest.endsWith(")") ? rest.substring(1, rest.length() - 1) : null;
            if (RecordConstructors.isCanonical(components, parameters)) return;
        }
        declarations.add(typeIndex + 1, new SymbolInfo(memberKey(record, record.name, "(" + components + ")"), SymbolKind.CONSTRUCTOR,
                record.name, record.qualifiedName + "." + record.name, record.key,
                RecordConstructors.signature(header.modifiers, record.name, components), RecordConstructors.modifiers(header.modifiers), "",
                location(starts[n], close + 1), range(starts[n], ends[n]), List.of()));
    }

    private List<String> typeParameterNames(int open, int end) {
        List<String> names = new ArrayList<>();
        int depth = 0;
        boolean expectName = false;
        for (int i = open; i < end; i++) {
            if (kinds[i] == AT) {
                i = skipAnnotation(i) - 1; // an annotated type parameter: <@A T>
                continue;
            }
            switch (kinds[i]) {
                case LESS -> { depth++; if (depth == 1) expectName = true; }
                case GREATER -> depth--;
                case SHIFT2 -> depth -= 2;
                case SHIFT3 -> depth -= 3;
                case COMMA -> { if (depth == 1) expectName = true; }
                case IDENT -> { if (depth == 1 && expectName) { names.add(word(i)); expectName = false; } }
                default -> { }
            }
        }
        return names;
    }

    /**
     * JDT's binding key of a type declaration: {@code Lp/q/A;} for a top-level type, {@code Lp/Main~Other;} for a
     * secondary type (declared in {@code Main.java}), {@code $Inner} appended for member types ({@code .Inner}
     * for an inner class of a generic type), type parameters as {@code <TT;TU;>}.
     */
    private String typeKey(TypeScope owner, String name, List<String> typeParameters, boolean inner) {
        StringBuilder key = new StringBuilder();
        if (owner == null) {
            key.append('L');
            if (!packageName.isEmpty()) key.append(packageName.replace('.', '/')).append('/');
            if (!name.equals(primaryTypeName)) key.append(primaryTypeName).append('~');
            key.append(name);
        } else {
            String outer = owner.key.substring(0, owner.key.length() - 1); // without the closing ';'
            if (inner && outer.indexOf('<') >= 0) {
                // An inner (non-static) class of a generic type is keyed under its outer type's parameters.
                key.append(outer).append('.').append(name);
            } else {
                // A nested type is keyed under its outer type's erasure.
                key.append(erasure(outer)).append('$').append(name);
            }
        }
        if (!typeParameters.isEmpty()) {
            key.append('<');
            for (String t : typeParameters) key.append('T').append(t).append(';');
            key.append('>');
        }
        return key.append(';').toString().intern();
    }

    /** {@code Lp/A<TT;>.B} without type parameters, its inner-class dots as {@code $}: {@code Lp/A$B}. */
    private static String erasure(String key) {
        StringBuilder result = new StringBuilder(key.length());
        int depth = 0;
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c == '<') depth++;
            else if (c == '>') depth--;
            else if (depth == 0) result.append(c == '.' ? '$' : c);
        }
        return result.toString();
    }

    /** Enum constants, then (after a {@code ;}) ordinary members. */
    private int enumBody(int i, TypeScope owner) {
        int docComment = -1;
        while (i < count) {
            byte k = kinds[i];
            if (k == RBRACE) return i;
            if (k == JAVADOC) { docComment = i; i++; continue; }
            if (k == COMMENT || k == COMMA) { i++; continue; }
            if (k == SEMI) return members(i + 1, owner);
            int first = i;
            int n = skipAnnotations(i);
            if (!is(n, IDENT)) return members(i, owner);
            int end = code(n + 1);
            if (is(end, LPAREN)) end = code(skipBalanced(end));
            if (is(end, LBRACE)) end = skipBalanced(end);
            else end = lastCodeBefore(end);
            int start = docComment >= 0 ? starts[docComment] : starts[first];
            String name = word(n);
            declarations.add(new SymbolInfo(memberKey(owner, name, null), SymbolKind.FIELD, name, owner.qualifiedName + "." + name,
                    owner.key, name, List.of("public", "static", "final"), docSummary(docComment), location(start, ends[end - 1]),
                    range(starts[n], ends[n]), List.of()));
            docComment = -1;
            i = end;
        }
        return count;
    }

    /** The first sentence of the doc comment at token {@code docComment}, or "" when there is none (-1). */
    private String docSummary(int docComment) {
        return docComment < 0 ? "" : JavadocText.summary(source.substring(starts[docComment], ends[docComment]));
    }

    /** Index after the last non-comment token before {@code i}. */
    private int lastCodeBefore(int i) {
        int j = i - 1;
        while (j > 0 && (kinds[j] == JAVADOC || kinds[j] == COMMENT)) j--;
        return j + 1;
    }

    private int method(int n, SymbolKind kind, Header header, TypeScope owner) {
        String name = word(n);
        int i = code(n + 1);
        String parameters = "";
        if (is(i, LPAREN)) {
            int close = skipBalanced(i);
            parameters = collapse(source.substring(starts[i], ends[close - 1]));
            i = code(close);
        }
        // extra dimensions, throws, an annotation member's default value: up to the body or the ';'
        while (i < count && kinds[i] != LBRACE && kinds[i] != SEMI && kinds[i] != RBRACE) {
            if (isWord(i, "default")) i = skipInitializer(i + 1);
            else i = kinds[i] == LPAREN || kinds[i] == LBRACKET ? skipBalanced(i) : i + 1;
        }
        int headerEnd;
        int end;
        if (is(i, LBRACE)) {
            headerEnd = starts[i];
            int after = skipBalanced(i);
            end = ends[after - 1];
            i = after;
        } else if (is(i, SEMI)) {
            headerEnd = ends[i];
            end = ends[i];
            i++;
        } else {
            return i;
        }
        boolean annotationMember = owner.kind == SymbolKind.ANNOTATION;
        declarations.add(new SymbolInfo(memberKey(owner, name, parameters), kind, name,
                annotationMember ? name : owner.qualifiedName + "." + name, owner.key, signature(header.headerStart, headerEnd),
                header.modifiers, header.javadoc, location(header.start, end), range(starts[n], ends[n]), List.of()));
        return i;
    }

    /** One field declaration, {@code int a = 1, b[];}: one declaration per name, all with the whole range. */
    private int fields(int firstName, Header header, TypeScope owner) {
        String modifiersAndType = collapse(source.substring(header.headerStart, ends[lastCodeBefore(firstName) - 1]));
        record Fragment(int name, int dims, boolean initialized) { }
        List<Fragment> fragments = new ArrayList<>();
        int i = firstName;
        while (true) {
            int n = i;
            int dims = 0;
            i = code(n + 1);
            while (is(i, LBRACKET) && is(code(i + 1), RBRACKET)) { dims++; i = code(code(i + 1) + 1); }
            boolean initialized = is(i, EQUAL);
            if (initialized) i = skipInitializer(i + 1);
            fragments.add(new Fragment(n, dims, initialized));
            if (is(i, COMMA) && is(code(i + 1), IDENT)) { i = code(i + 1); continue; }
            break;
        }
        if (!is(i, SEMI)) return skipUnknown(i);
        int end = ends[i];
        for (Fragment f : fragments) {
            String name = word(f.name);
            declarations.add(new SymbolInfo(memberKey(owner, name, null), SymbolKind.FIELD, name, owner.qualifiedName + "." + name,
                    owner.key, modifiersAndType + " " + name + "[]".repeat(f.dims) + (f.initialized ? " = ..." : ""),
                    header.modifiers, header.javadoc, location(header.start, end), range(starts[f.name], ends[f.name]), List.of()));
        }
        return i + 1;
    }

    /**
     * Index of the {@code ,} or {@code ;} that ends a field's initializer. A comma counts only where the next
     * fragment ({@code name =}, {@code name,}, {@code name;}) follows: {@code new HashMap<K, V>()} has a comma that
     * parentheses and braces do not enclose.
     */
    private int skipInitializer(int i) {
        while (i < count) {
            switch (kinds[i]) {
                case SEMI, RBRACE -> { return i; }
                case LPAREN, LBRACE, LBRACKET -> i = skipBalanced(i);
                case LESS -> {
                    int end = typeArgumentsEnd(i);
                    i = end > 0 ? end : i + 1;
                }
                case COMMA -> {
                    int n = code(i + 1);
                    int after = code(n + 1);
                    if (is(n, IDENT) && (is(after, EQUAL) || is(after, COMMA) || is(after, SEMI) || is(after, LBRACKET))) return i;
                    i++;
                }
                default -> i++;
            }
        }
        return count;
    }

    /**
     * Index after the type arguments at the {@code <} at {@code open} ({@code new Map<K, V>()},
     * {@code Collectors.<T, ?>of()}), or -1 when what follows is not made of types (a comparison).
     */
    private int typeArgumentsEnd(int open) {
        int end = skipAngles(open);
        if (end > count || !(is(end - 1, GREATER) || is(end - 1, SHIFT2) || is(end - 1, SHIFT3))) return -1;
        for (int i = open + 1; i < end - 1; i++) {
            switch (kinds[i]) {
                case IDENT, PRIMITIVE, DOT, COMMA, AT, LBRACKET, RBRACKET, LESS, GREATER, SHIFT2, SHIFT3, COMMENT, JAVADOC -> { }
                case KEYWORD -> { if (!isWord(i, "extends")) return -1; }
                case LPAREN -> i = skipBalanced(i) - 1; // an annotation's arguments
                case OTHER -> {
                    String text = source.substring(starts[i], ends[i]);
                    if (!text.equals("?") && !text.equals("super") && !text.equals("&")) return -1;
                }
                default -> { return -1; }
            }
        }
        return end;
    }

    private static String memberKey(TypeScope owner, String name, String parameters) {
        return (owner.key + "." + name + (parameters == null ? "" : parameters) + PROVISIONAL_KEY_SUFFIX).intern();
    }

    // ---- text and positions ----

    private String signature(int from, int to) {
        String header = collapse(source.substring(Math.min(from, to), Math.max(from, to)));
        if (header.endsWith(";")) header = header.substring(0, header.length() - 1).strip();
        return header.length() <= MAX_SIGNATURE_CHARS ? header : header.substring(0, MAX_SIGNATURE_CHARS - 3) + "...";
    }

    /**
     * Code as one line: comments dropped (a {@code // note} line before a method would otherwise comment out the
     * rest of its one-line signature), white space runs as one space, none at the ends (what {@code
     * replaceAll("\\s+", " ").strip()} gives for code without comments). String and character literals are kept
     * as they are ({@code "http://x"} is no comment).
     */
    static String collapse(String text) {
        StringBuilder out = new StringBuilder(text.length());
        boolean space = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '/' && i + 1 < text.length() && (text.charAt(i + 1) == '/' || text.charAt(i + 1) == '*')) {
                int end = text.charAt(i + 1) == '/' ? text.indexOf('\n', i) : text.indexOf("*/", i + 2);
                i = end < 0 ? text.length() : text.charAt(i + 1) == '/' ? end - 1 : end + 1;
                space = out.length() > 0;
            } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0B) { // regex \s
                space = out.length() > 0;
            } else {
                if (space) out.append(' ');
                space = false;
                out.append(c);
                if (c == '"' || c == '\'') { // a literal, to its closing quote
                    int j = i + 1;
                    while (j < text.length() && text.charAt(j) != c && text.charAt(j) != '\n') {
                        if (text.charAt(j) == '\\' && j + 1 < text.length()) out.append(text.charAt(j++));
                        out.append(text.charAt(j++));
                    }
                    if (j < text.length() && text.charAt(j) == c) out.append(c);
                    i = j;
                }
            }
        }
        return out.toString();
    }

    private SourceLocation location(int start, int end) {
        return new SourceLocation(path, range(start, end));
    }

    /** Lines and columns of {@code [start, end)}, as {@link FactsCollector} computes them from JDT's line table. */
    private TextRange range(int start, int end) {
        int last = Math.max(start, end - 1);
        int startLine = lineOf(start);
        int endLine = lineOf(last);
        return new TextRange(startLine, start - lineStarts[startLine], endLine, last - lineStarts[endLine] + 1);
    }

    private int lineOf(int offset) {
        int lo = 0, hi = lineStarts.length - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (lineStarts[mid] <= offset) lo = mid;
            else hi = mid - 1;
        }
        return lo;
    }

    /** Offsets where lines start; a line ends at {@code \n}, {@code \r\n} or a lone {@code \r}, as JDT counts them. */
    private static int[] lineStarts(String text) {
        int[] result = new int[64];
        int n = 1;
        if (text.indexOf('\r') < 0) {
            // The common case, found with indexOf (an intrinsic) rather than a loop over every character.
            for (int i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
                if (n == result.length) result = java.util.Arrays.copyOf(result, n * 2);
                result[n++] = i + 1;
            }
            return java.util.Arrays.copyOf(result, n);
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n' || (c == '\r' && (i + 1 >= text.length() || text.charAt(i + 1) != '\n'))) {
                if (n == result.length) result = java.util.Arrays.copyOf(result, n * 2);
                result[n++] = i + 1;
            }
        }
        return java.util.Arrays.copyOf(result, n);
    }

    private record Header(int start, int headerStart, List<String> modifiers, String javadoc) {
    }

    private record TypeScope(String key, String name, String qualifiedName, SymbolKind kind) {
    }
}
