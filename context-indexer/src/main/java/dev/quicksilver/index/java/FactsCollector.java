package dev.quicksilver.index.java;

import dev.quicksilver.index.CallSite;
import dev.quicksilver.index.Reference;
import dev.quicksilver.index.SourceLocation;
import dev.quicksilver.index.SymbolInfo;
import dev.quicksilver.index.SymbolKind;
import dev.quicksilver.index.TextRange;
import org.eclipse.jdt.core.compiler.IProblem;
import org.eclipse.jdt.core.dom.ASTNode;
import org.eclipse.jdt.core.dom.ASTVisitor;
import org.eclipse.jdt.core.dom.AbstractTypeDeclaration;
import org.eclipse.jdt.core.dom.AnnotationTypeDeclaration;
import org.eclipse.jdt.core.dom.AnnotationTypeMemberDeclaration;
import org.eclipse.jdt.core.dom.AnonymousClassDeclaration;
import org.eclipse.jdt.core.dom.BodyDeclaration;
import org.eclipse.jdt.core.dom.ClassInstanceCreation;
import org.eclipse.jdt.core.dom.CompilationUnit;
import org.eclipse.jdt.core.dom.ConstructorInvocation;
import org.eclipse.jdt.core.dom.CreationReference;
import org.eclipse.jdt.core.dom.EnumConstantDeclaration;
import org.eclipse.jdt.core.dom.EnumDeclaration;
import org.eclipse.jdt.core.dom.Expression;
import org.eclipse.jdt.core.dom.FieldDeclaration;
import org.eclipse.jdt.core.dom.IBinding;
import org.eclipse.jdt.core.dom.IMethodBinding;
import org.eclipse.jdt.core.dom.ITypeBinding;
import org.eclipse.jdt.core.dom.IVariableBinding;
import org.eclipse.jdt.core.dom.ImportDeclaration;
import org.eclipse.jdt.core.dom.Javadoc;
import org.eclipse.jdt.core.dom.MethodDeclaration;
import org.eclipse.jdt.core.dom.MethodInvocation;
import org.eclipse.jdt.core.dom.Modifier;
import org.eclipse.jdt.core.dom.RecordDeclaration;
import org.eclipse.jdt.core.dom.SimpleName;
import org.eclipse.jdt.core.dom.SuperConstructorInvocation;
import org.eclipse.jdt.core.dom.SuperMethodInvocation;
import org.eclipse.jdt.core.dom.TypeDeclaration;
import org.eclipse.jdt.core.dom.VariableDeclarationFragment;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Walks one JDT compilation unit and turns it into {@link JavaFileFacts}: declarations with signatures and javadoc
 * summaries, resolved call sites, references and override relations, all keyed by JDT binding keys (the scheme
 * Eclipse JDT LS uses to identify elements across files). Generic members are keyed by their declaration
 * ({@code getMethodDeclaration()}), so {@code List<String>.add} and {@code List<T>.add} are one method.
 *
 * <p>Works on partial ASTs too: a node whose binding JDT could not resolve is skipped, not fatal.
 */
final class FactsCollector extends ASTVisitor {
    private static final int MAX_SIGNATURE_CHARS = 400;

    private final Path path;
    private final CompilationUnit unit;
    private final String source;
    private final List<SymbolInfo> declarations = new ArrayList<>();
    private final List<CallSite> calls = new ArrayList<>();
    private final List<Reference> references = new ArrayList<>();
    /** Keys of the enclosing types and methods; the top is the caller of any call found. */
    private final Deque<String> scopes = new ArrayDeque<>();

    private FactsCollector(Path path, CompilationUnit unit, String source) {
        this.path = path;
        this.unit = unit;
        this.source = source;
    }

    static JavaFileFacts collect(Path path, CompilationUnit unit, String source, boolean bindingsResolved) {
        FactsCollector collector = new FactsCollector(path, unit, source);
        unit.accept(collector);
        String packageName = unit.getPackage() == null ? "" : unit.getPackage().getName().getFullyQualifiedName();
        List<String> imports = new ArrayList<>();
        for (Object o : unit.imports()) {
            ImportDeclaration i = (ImportDeclaration) o;
            imports.add((i.isStatic() ? "static " : "") + i.getName().getFullyQualifiedName() + (i.isOnDemand() ? ".*" : ""));
        }
        int syntaxErrors = 0;
        String firstError = "";
        for (IProblem problem : unit.getProblems()) {
            if (problem.isError() && (problem.getID() & IProblem.Syntax) != 0) {
                if (syntaxErrors++ == 0) firstError = "line " + problem.getSourceLineNumber() + ": " + problem.getMessage();
            }
        }
        return new JavaFileFacts(path, packageName, imports, collector.declarations, collector.calls, collector.references,
                syntaxErrors, firstError, bindingsResolved);
    }

    // ---- declarations ----

    @Override
    public boolean visit(TypeDeclaration node) {
        return visitType(node, node.isInterface() ? SymbolKind.INTERFACE : SymbolKind.CLASS);
    }

    @Override
    public boolean visit(EnumDeclaration node) {
        return visitType(node, SymbolKind.ENUM);
    }

    @Override
    public boolean visit(RecordDeclaration node) {
        boolean children = visitType(node, SymbolKind.RECORD);
        implicitCanonicalConstructor(node);
        return children;
    }

    /** The canonical constructor a record does not declare, as a declaration on its header ({@link RecordConstructors}). */
    private void implicitCanonicalConstructor(RecordDeclaration node) {
        int open = source.indexOf('(', end(node.getName()));
        int close = open < 0 ? -1 : RecordConstructors.closingParen(source, open);
        if (close < 0) return;
        String components = collapse(source.substring(open + 1, close));
        Set<String> declared = new HashSet<>();
        for (Object o : node.bodyDeclarations()) {
            if (!(o instanceof MethodDeclaration m) || !m.isConstructor()) continue;
            int paren = m.isCompactConstructor() ? -1 : source.indexOf('(', end(m.getName()));
            int parenClose = paren < 0 ? -1 : RecordConstructors.closingParen(source, paren);
            String parameters = m.isCompactConstructor() || parenClose < 0 ? null : collapse(source.substring(paren + 1, parenClose));
            if (RecordConstructors.isCanonical(components, parameters)) return;
            if (m.resolveBinding() != null) declared.add(m.resolveBinding().getMethodDeclaration().getKey());
        }
        ITypeBinding binding = node.resolveBinding();
        String name = node.getName().getIdentifier();
        String key = null;
        if (binding != null) {
            for (IMethodBinding m : binding.getDeclaredMethods()) if (m.isCanonicalConstructor()) key = intern(m.getKey());
        }
        if (key != null && declared.contains(key)) return; // declared after all, its types written otherwise
        if (key == null) key = syntheticKey(name + "(" + components + ")");
        String qualifiedName = (binding != null && !binding.getQualifiedName().isEmpty() ? binding.getErasure().getQualifiedName() : name) + "." + name;
        List<String> recordModifiers = modifiers(node);
        declarations.add(new SymbolInfo(key, SymbolKind.CONSTRUCTOR, name, qualifiedName, scopes.peek(),
                RecordConstructors.signature(recordModifiers, name, components), RecordConstructors.modifiers(recordModifiers), "",
                new SourceLocation(path, range(node.getName().getStartPosition(), close + 1)), range(node.getName()), List.of()));
    }

    @Override
    public boolean visit(AnnotationTypeDeclaration node) {
        return visitType(node, SymbolKind.ANNOTATION);
    }

    @Override
    public void endVisit(TypeDeclaration node) { scopes.pop(); }

    @Override
    public void endVisit(EnumDeclaration node) { scopes.pop(); }

    @Override
    public void endVisit(RecordDeclaration node) { scopes.pop(); }

    @Override
    public void endVisit(AnnotationTypeDeclaration node) { scopes.pop(); }

    private boolean visitType(AbstractTypeDeclaration node, SymbolKind kind) {
        ITypeBinding binding = node.resolveBinding();
        String key = binding != null ? intern(binding.getKey()) : syntheticKey(node.getName().getIdentifier());
        scopes.push(key);
        String qualifiedName = binding != null && !binding.getQualifiedName().isEmpty()
                ? binding.getQualifiedName() : node.getName().getIdentifier();
        List<String> supertypes = new ArrayList<>();
        if (binding != null) {
            ITypeBinding superclass = binding.getSuperclass();
            if (superclass != null) supertypes.add(typeKey(superclass));
            for (ITypeBinding i : binding.getInterfaces()) supertypes.add(typeKey(i));
        }
        int headerEnd = source.indexOf('{', end(node.getName()));
        String signature = signature(node, headerEnd < 0 ? end(node) : headerEnd);
        declarations.add(new SymbolInfo(key, kind, node.getName().getIdentifier(), qualifiedName, declaringTypeKey(binding),
                signature, modifiers(node), javadoc(node), location(node), range(node.getName()), supertypes));
        return true;
    }

    @Override
    public boolean visit(AnonymousClassDeclaration node) {
        ITypeBinding binding = node.resolveBinding();
        scopes.push(binding != null ? intern(binding.getKey()) : scopes.isEmpty() ? "" : scopes.peek());
        return true;
    }

    @Override
    public void endVisit(AnonymousClassDeclaration node) {
        scopes.pop();
    }

    @Override
    public boolean visit(MethodDeclaration node) {
        IMethodBinding binding = node.resolveBinding();
        String name = node.getName().getIdentifier();
        String key = binding != null ? intern(binding.getMethodDeclaration().getKey()) : syntheticKey(name + "()");
        String declaringKey = scopes.isEmpty() ? "" : scopes.peek();
        String qualifiedName = binding != null && binding.getDeclaringClass() != null
                ? binding.getDeclaringClass().getErasure().getQualifiedName() + "." + name : name;
        int headerEnd = node.getBody() != null ? node.getBody().getStartPosition() : end(node);
        declarations.add(new SymbolInfo(key, node.isConstructor() ? SymbolKind.CONSTRUCTOR : SymbolKind.METHOD, name,
                qualifiedName, declaringKey, signature(node, headerEnd), modifiers(node),
                javadoc(node), location(node), range(node.getName()), overridden(binding)));
        scopes.push(key);
        return true;
    }

    @Override
    public void endVisit(MethodDeclaration node) {
        scopes.pop();
    }

    @Override
    public boolean visit(AnnotationTypeMemberDeclaration node) {
        IMethodBinding binding = node.resolveBinding();
        String name = node.getName().getIdentifier();
        String key = binding != null ? intern(binding.getKey()) : syntheticKey(name + "()");
        declarations.add(new SymbolInfo(key, SymbolKind.METHOD, name, name, scopes.isEmpty() ? "" : scopes.peek(),
                signature(node, end(node)), modifiers(node), javadoc(node),
                location(node), range(node.getName()), List.of()));
        return true;
    }

    @Override
    public boolean visit(FieldDeclaration node) {
        String declaringKey = scopes.isEmpty() ? "" : scopes.peek();
        String modifiersAndType = collapse(text(headerStart(node), end(node.getType())));
        for (Object o : node.fragments()) {
            VariableDeclarationFragment fragment = (VariableDeclarationFragment) o;
            IVariableBinding binding = fragment.resolveBinding();
            String name = fragment.getName().getIdentifier();
            String key = binding != null ? intern(binding.getVariableDeclaration().getKey()) : syntheticKey(name);
            String qualifiedName = binding != null && binding.getDeclaringClass() != null
                    ? binding.getDeclaringClass().getErasure().getQualifiedName() + "." + name : name;
            String signature = modifiersAndType + " " + name + "[]".repeat(fragment.getExtraDimensions())
                    + (fragment.getInitializer() != null ? " = ..." : "");
            declarations.add(new SymbolInfo(key, SymbolKind.FIELD, name, qualifiedName, declaringKey, signature,
                    modifiers(node), javadoc(node), location(node), range(fragment.getName()), List.of()));
        }
        return true;
    }

    @Override
    public boolean visit(EnumConstantDeclaration node) {
        IVariableBinding binding = node.resolveVariable();
        String name = node.getName().getIdentifier();
        String key = binding != null ? intern(binding.getKey()) : syntheticKey(name);
        String qualifiedName = binding != null && binding.getDeclaringClass() != null
                ? binding.getDeclaringClass().getQualifiedName() + "." + name : name;
        declarations.add(new SymbolInfo(key, SymbolKind.FIELD, name, qualifiedName, scopes.isEmpty() ? "" : scopes.peek(),
                name, List.of("public", "static", "final"), javadoc(node), location(node),
                range(node.getName()), List.of()));
        addCreation(node.resolveConstructorBinding(), node.getAnonymousClassDeclaration(),
                binding != null ? binding.getDeclaringClass() : null, node.arguments(), node);
        return true;
    }

    // ---- calls and references ----

    @Override
    public boolean visit(MethodInvocation node) {
        addCall(node.resolveMethodBinding(), node);
        return true;
    }

    @Override
    public boolean visit(SuperMethodInvocation node) {
        addCall(node.resolveMethodBinding(), node);
        return true;
    }

    @Override
    public boolean visit(ClassInstanceCreation node) {
        addCreation(node.resolveConstructorBinding(), node.getAnonymousClassDeclaration(), node.getType().resolveBinding(),
                node.arguments(), node);
        return true;
    }

    @Override
    public boolean visit(ConstructorInvocation node) {
        addCall(node.resolveConstructorBinding(), node);
        return true;
    }

    @Override
    public boolean visit(SuperConstructorInvocation node) {
        addCall(node.resolveConstructorBinding(), node);
        return true;
    }

    /** {@code Shape::new}: a reference to the constructor, placed on {@code new} (as a method reference's is on its name). */
    @Override
    public boolean visit(CreationReference node) {
        IMethodBinding constructor = node.resolveMethodBinding();
        if (constructor != null && constructor.isConstructor()) {
            int end = end(node);
            references.add(new Reference(intern(constructor.getMethodDeclaration().getKey()), SymbolKind.CONSTRUCTOR,
                    new SourceLocation(path, range(end - "new".length(), end))));
        }
        return true;
    }

    @Override
    public boolean visit(SimpleName node) {
        // JDT counts a constructor's name as no declaration (it names the type): it is not a reference either.
        if (node.isDeclaration() || node.getLocationInParent() == MethodDeclaration.NAME_PROPERTY) return false;
        IBinding binding = node.resolveBinding();
        if (binding == null) return false;
        switch (binding) {
            case ITypeBinding type -> {
                ITypeBinding t = type.isArray() ? type.getElementType() : type;
                if (!t.isPrimitive() && !t.isTypeVariable() && !t.isNullType() && !t.isWildcardType() && !t.isCapture()) {
                    references.add(new Reference(typeKey(t), kindOf(t), location(node)));
                }
            }
            case IMethodBinding method ->
                    references.add(new Reference(intern(referencedMethodKey(node, method)),
                            method.isConstructor() ? SymbolKind.CONSTRUCTOR : SymbolKind.METHOD, location(node)));
            case IVariableBinding variable when variable.isField() ->
                    references.add(new Reference(intern(variable.getVariableDeclaration().getKey()), SymbolKind.FIELD, location(node)));
            default -> {
                // locals, parameters, packages, modules, annotations: not part of the workspace index
            }
        }
        return false;
    }

    /**
     * A static import names all overloads of a method, but JDT binds the name to one of them, whichever its method
     * table lists first: that order differs between a type read from source and the same type read from a
     * {@link TypeShape}. The overload with the smallest key stands for all, so a file's facts do not depend on
     * how its imports were resolved.
     */
    private static String referencedMethodKey(SimpleName node, IMethodBinding method) {
        String key = method.getMethodDeclaration().getKey();
        if (!(node.getParent() instanceof org.eclipse.jdt.core.dom.QualifiedName qualified
                && qualified.getParent() instanceof ImportDeclaration) || method.getDeclaringClass() == null) {
            return key;
        }
        for (IMethodBinding overload : method.getDeclaringClass().getDeclaredMethods()) {
            if (overload.getName().equals(method.getName()) && overload.getKey().compareTo(key) < 0) key = overload.getKey();
        }
        return key;
    }

    private void addCall(IMethodBinding binding, ASTNode node) {
        if (binding == null) return;
        calls.add(new CallSite(intern(binding.getMethodDeclaration().getKey()), scopes.isEmpty() ? "" : scopes.peek(), location(node)));
    }

    /**
     * A creation ({@code new Shape("tri", 3)}, an enum constant). With a class body ({@code new Shape("tri", 3) {...}},
     * {@code GREEN(0, 255, 0) {...}}) JDT binds it to the anonymous class's own constructor, which takes the same
     * arguments and passes them on (JLS 15.9.5.1): the call is recorded against the superclass constructor that
     * receives them, so that a refactor of that constructor finds it. Where the arguments no longer fit (a
     * parameter was just added or removed) JDT binds nothing; {@link #nearConstructor} says which it was.
     */
    private void addCreation(IMethodBinding binding, AnonymousClassDeclaration body, ITypeBinding created, List<?> arguments, ASTNode node) {
        if (body == null || binding != null && !binding.getDeclaringClass().isAnonymous()) addCall(binding, node);
        else if (binding != null) addCall(superConstructor(binding), node);
        else if (created != null && !created.isInterface()) addCall(nearConstructor(created, argumentTypes(arguments)), node);
    }

    /** The superclass constructor an anonymous class's constructor passes its arguments to; null for an interface's. */
    private static IMethodBinding superConstructor(IMethodBinding anonymousConstructor) {
        ITypeBinding anonymous = anonymousConstructor.getDeclaringClass();
        ITypeBinding superclass = anonymous.getSuperclass();
        if (superclass == null || anonymous.getInterfaces().length > 0) return null; // new Runnable() {...} calls Object()
        ITypeBinding[] wanted = anonymousConstructor.getParameterTypes();
        for (IMethodBinding candidate : constructors(superclass)) {
            ITypeBinding[] types = candidate.getParameterTypes();
            boolean same = types.length == wanted.length;
            for (int i = 0; i < types.length && same; i++) same = types[i].getErasure().isEqualTo(wanted[i].getErasure());
            if (same) return candidate;
        }
        return nearConstructor(superclass, List.of(wanted));
    }

    private static List<ITypeBinding> argumentTypes(List<?> arguments) {
        List<ITypeBinding> types = new ArrayList<>();
        for (Object a : arguments) types.add(((Expression) a).resolveTypeBinding());
        return types;
    }

    /**
     * The constructor of {@code type} that {@code arguments} call: the one whose parameters they fit, else the one
     * they fit with a parameter missing (one was just added), else the one they fit with an argument left over (one
     * was just removed); null where two of the first such kind fit.
     */
    private static IMethodBinding nearConstructor(ITypeBinding type, List<ITypeBinding> arguments) {
        for (int extraParameters : new int[] {0, 1, -1}) {
            List<IMethodBinding> fitting = constructors(type).stream().filter(c -> {
                List<ITypeBinding> params = List.of(c.getParameterTypes());
                if (params.size() != arguments.size() + extraParameters) return false;
                if (extraParameters == 0) return fit(arguments, params);
                for (int i = 0; i < Math.max(params.size(), arguments.size()); i++) {
                    if (extraParameters > 0 ? fit(arguments, without(params, i)) : fit(without(arguments, i), params)) return true;
                }
                return false;
            }).toList();
            if (!fitting.isEmpty()) return fitting.size() == 1 ? fitting.getFirst() : null;
        }
        return null;
    }

    private static boolean fit(List<ITypeBinding> arguments, List<ITypeBinding> params) {
        for (int i = 0; i < params.size(); i++) {
            ITypeBinding a = arguments.get(i);
            ITypeBinding p = params.get(i);
            if (a != null && !a.isNullType() && !a.isAssignmentCompatible(p) && !a.isAssignmentCompatible(p.getErasure())) return false;
        }
        return true;
    }

    private static <T> List<T> without(List<T> list, int index) {
        List<T> out = new ArrayList<>(list);
        out.remove(index);
        return out;
    }

    private static List<IMethodBinding> constructors(ITypeBinding type) {
        return java.util.Arrays.stream(type.getDeclaredMethods()).filter(IMethodBinding::isConstructor).toList();
    }

    /**
     * The methods {@code method} overrides or implements, searched through all its supertypes (JDT answers
     * {@link IMethodBinding#overrides} for one pair; the hierarchy walk is ours).
     */
    private List<String> overridden(IMethodBinding method) {
        if (method == null || method.isConstructor() || Modifier.isStatic(method.getModifiers())
                || Modifier.isPrivate(method.getModifiers()) || method.getDeclaringClass() == null) {
            return List.of();
        }
        Set<String> result = new LinkedHashSet<>();
        Set<String> visited = new HashSet<>();
        Deque<ITypeBinding> pending = new ArrayDeque<>();
        addSupertypes(method.getDeclaringClass(), pending);
        int parameterCount = method.getParameterTypes().length;
        while (!pending.isEmpty()) {
            ITypeBinding type = pending.pop();
            if (!visited.add(type.getErasure().getKey())) continue;
            for (IMethodBinding candidate : type.getDeclaredMethods()) {
                if (candidate.getName().equals(method.getName()) && candidate.getParameterTypes().length == parameterCount
                        && method.overrides(candidate)) {
                    result.add(intern(candidate.getMethodDeclaration().getKey()));
                }
            }
            addSupertypes(type, pending);
        }
        return List.copyOf(result);
    }

    private static void addSupertypes(ITypeBinding type, Deque<ITypeBinding> pending) {
        if (type.getSuperclass() != null) pending.push(type.getSuperclass());
        for (ITypeBinding i : type.getInterfaces()) pending.push(i);
    }

    // ---- helpers ----

    private static SymbolKind kindOf(ITypeBinding type) {
        if (type.isAnnotation()) return SymbolKind.ANNOTATION;
        if (type.isInterface()) return SymbolKind.INTERFACE;
        if (type.isEnum()) return SymbolKind.ENUM;
        if (type.isRecord()) return SymbolKind.RECORD;
        return SymbolKind.CLASS;
    }

    private static String typeKey(ITypeBinding type) {
        return intern(type.getErasure().getTypeDeclaration().getKey());
    }

    private String declaringTypeKey(ITypeBinding binding) {
        if (binding != null && binding.getDeclaringClass() != null) return typeKey(binding.getDeclaringClass());
        return "";
    }

    private String syntheticKey(String name) {
        // JDT gave no binding (broken code): a key that is unique to this file and never matches a real one.
        return intern("?" + path + "#" + (scopes.isEmpty() ? "" : scopes.peek() + ".") + name);
    }

    private static String intern(String key) {
        // Keys repeat across thousands of references; one shared copy each keeps the index small.
        return key.intern();
    }

    private static List<String> modifiers(BodyDeclaration node) {
        List<String> result = new ArrayList<>();
        for (Object o : node.modifiers()) {
            if (o instanceof Modifier m) result.add(m.getKeyword().toString());
        }
        return result;
    }

    private String javadoc(BodyDeclaration node) {
        int commentEnd = docCommentEnd(node);
        return commentEnd < 0 ? "" : JavadocText.summary(text(node.getStartPosition(), commentEnd));
    }

    /**
     * End of the doc comment a declaration starts with, or -1. Javadoc DOM support is off for speed (see
     * JavaEnvironment), so JDT attaches no Javadoc node, but the declaration's range still starts at its comment.
     */
    private int docCommentEnd(BodyDeclaration node) {
        Javadoc javadoc = node.getJavadoc();
        if (javadoc != null) return end(javadoc);
        int start = node.getStartPosition();
        if (source.startsWith("///", start)) return markdownCommentEnd(start);
        if (!source.startsWith("/**", start)) return -1;
        int close = source.indexOf("*/", start + 3);
        return close < 0 || close >= end(node) ? -1 : close + 2;
    }

    /** End of a Markdown documentation comment (JEP 467): the run of lines that start with {@code ///}. */
    private int markdownCommentEnd(int start) {
        int end = start;
        int line = start;
        while (true) {
            int lineEnd = source.indexOf('\n', line);
            if (lineEnd < 0) lineEnd = source.length();
            int contentEnd = lineEnd > line && source.charAt(lineEnd - 1) == '\r' ? lineEnd - 1 : lineEnd;
            end = contentEnd;
            int next = lineEnd + 1;
            while (next < source.length() && (source.charAt(next) == ' ' || source.charAt(next) == '\t')) next++;
            if (next >= source.length() || !source.startsWith("///", next)) return end;
            line = next;
        }
    }

    /** The declaration header as written, from after its javadoc to {@code headerEnd}, whitespace collapsed. */
    private String signature(BodyDeclaration node, int headerEnd) {
        String header = collapse(text(headerStart(node), headerEnd));
        if (header.endsWith(";")) header = header.substring(0, header.length() - 1).strip();
        return header.length() <= MAX_SIGNATURE_CHARS ? header : header.substring(0, MAX_SIGNATURE_CHARS - 3) + "...";
    }

    private int headerStart(BodyDeclaration node) {
        // Without a doc comment a declaration starts at its first modifier or annotation.
        int commentEnd = docCommentEnd(node);
        return commentEnd < 0 ? node.getStartPosition() : commentEnd;
    }

    private String text(int start, int end) {
        int s = Math.max(0, Math.min(start, source.length()));
        int e = Math.max(s, Math.min(end, source.length()));
        return source.substring(s, e);
    }

    private static String collapse(String text) {
        return JavaOutline.collapse(text); // the outline's signatures and these must agree
    }

    private static int end(ASTNode node) {
        return node.getStartPosition() + node.getLength();
    }

    private SourceLocation location(ASTNode node) {
        return new SourceLocation(path, range(node));
    }

    private TextRange range(ASTNode node) {
        return range(node.getStartPosition(), end(node));
    }

    /** The range of {@code [start, end)} of the source. */
    private TextRange range(int start, int end) {
        int last = Math.max(start, end - 1); // the end is exclusive: locate the last character, then step past it
        return new TextRange(Math.max(0, unit.getLineNumber(start) - 1), Math.max(0, unit.getColumnNumber(start)),
                Math.max(0, unit.getLineNumber(last) - 1), Math.max(0, unit.getColumnNumber(last) + 1));
    }
}
