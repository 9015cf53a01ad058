package dev.quicksilver.index.java;

import dev.quicksilver.index.CheckedException;
import dev.quicksilver.index.ExceptionSite;
import dev.quicksilver.index.ScopeVariable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.eclipse.jdt.core.dom.ASTNode;
import org.eclipse.jdt.core.dom.ASTVisitor;
import org.eclipse.jdt.core.dom.AbstractTypeDeclaration;
import org.eclipse.jdt.core.dom.AnonymousClassDeclaration;
import org.eclipse.jdt.core.dom.Block;
import org.eclipse.jdt.core.dom.CatchClause;
import org.eclipse.jdt.core.dom.CompilationUnit;
import org.eclipse.jdt.core.dom.ConstructorInvocation;
import org.eclipse.jdt.core.dom.CreationReference;
import org.eclipse.jdt.core.dom.EnumConstantDeclaration;
import org.eclipse.jdt.core.dom.Expression;
import org.eclipse.jdt.core.dom.ExpressionMethodReference;
import org.eclipse.jdt.core.dom.FieldDeclaration;
import org.eclipse.jdt.core.dom.IMethodBinding;
import org.eclipse.jdt.core.dom.ITypeBinding;
import org.eclipse.jdt.core.dom.IVariableBinding;
import org.eclipse.jdt.core.dom.Initializer;
import org.eclipse.jdt.core.dom.LambdaExpression;
import org.eclipse.jdt.core.dom.MethodDeclaration;
import org.eclipse.jdt.core.dom.MethodReference;
import org.eclipse.jdt.core.dom.Name;
import org.eclipse.jdt.core.dom.NodeFinder;
import org.eclipse.jdt.core.dom.SimpleName;
import org.eclipse.jdt.core.dom.SingleVariableDeclaration;
import org.eclipse.jdt.core.dom.Statement;
import org.eclipse.jdt.core.dom.SuperConstructorInvocation;
import org.eclipse.jdt.core.dom.SuperMethodReference;
import org.eclipse.jdt.core.dom.SwitchCase;
import org.eclipse.jdt.core.dom.SwitchStatement;
import org.eclipse.jdt.core.dom.ThisExpression;
import org.eclipse.jdt.core.dom.TryStatement;
import org.eclipse.jdt.core.dom.Type;
import org.eclipse.jdt.core.dom.TypeMethodReference;
import org.eclipse.jdt.core.dom.UnionType;
import org.eclipse.jdt.core.dom.VariableDeclarationFragment;
import org.eclipse.jdt.core.dom.VariableDeclarationStatement;

/**
 * Checked exceptions, as Java's rules for them read a resolved compilation unit (JLS 11.2): what a method declares,
 * and, at a call that throws one, whether it is handled there and how it could be. A call is handled by a {@code try}
 * whose body or resources hold it and one of whose {@code catch} clauses takes the exception or a superclass of it,
 * or by the method or constructor around it declaring that ({@code throws}), or by a lambda's functional method
 * declaring it. Where it is not, the method or constructor around it may declare it unless it overrides one that does
 * not (JLS 8.4.8.3), or the call is in a lambda, an initializer or a field's initializer; and a {@code try} may
 * surround the innermost statement of a block that holds the call, or a lambda's expression body made a block. A
 * method reference's name stands for a call too: its functional interface's method must declare the exception.
 * Exceptions are matched by qualified name, so a text whose callee does not declare the exception yet (a method that
 * is about to) is read the same.
 */
final class ExceptionHandling {
    private ExceptionHandling() {
    }

    /** The checked exceptions the method or constructor named at {@code nameOffset} declares, in their order. */
    static List<CheckedException> declaredBy(CompilationUnit unit, int nameOffset) {
        MethodDeclaration[] found = new MethodDeclaration[1];
        unit.accept(new ASTVisitor() {
            @Override
            public boolean visit(MethodDeclaration node) {
                if (node.getName().getStartPosition() == nameOffset) found[0] = node;
                return found[0] == null;
            }
        });
        if (found[0] == null) return List.of();
        IMethodBinding method = found[0].resolveBinding();
        List<CheckedException> out = new ArrayList<>();
        for (Object t : found[0].thrownExceptionTypes()) {
            ITypeBinding type = ((Type) t).resolveBinding();
            if (type == null || type.isTypeVariable() || type.isRecovered()) continue;
            List<String> chain = supertypes(type);
            if (chain.contains("java.lang.RuntimeException") || chain.contains("java.lang.Error")) continue;
            out.add(new CheckedException(chain.getFirst(), sourceName(type), chain, method == null ? null : overriddenNotThrowing(method, chain)));
        }
        return out;
    }

    /**
     * For each call {@code [calls[i][0], calls[i][1])} of {@code text}, how the exception of {@code supertypes} (as
     * {@link CheckedException#supertypes()}) is handled there, or could be; null where no call is there.
     */
    static List<ExceptionSite> at(CompilationUnit unit, String text, List<int[]> calls, List<String> supertypes) {
        List<ExceptionSite> out = new ArrayList<>();
        for (int[] call : calls) {
            ASTNode node = NodeFinder.perform(unit, call[0], call[1] - call[0]);
            out.add(node == null ? null : site(unit, text, node, call, supertypes));
        }
        return out;
    }

    private static ExceptionSite site(CompilationUnit unit, String text, ASTNode call, int[] range, List<String> chain) {
        String simple = simpleName(chain.getFirst());
        Statement statement = null; // the innermost statement of a block that holds the call
        ASTNode child = null;
        for (ASTNode at = call; at != null; child = at, at = at.getParent()) {
            if (at instanceof TryStatement t && child != null && catches(t, child, chain)) return handled(range);
            if (statement == null && at instanceof Statement s && standsInBlock(s)) statement = s;
            // A reference's own name (Store::load, or Callers::new itself), not a call in its receiver (store()::load).
            boolean named = at instanceof MethodReference && (child == null || child.getLocationInParent().getId().equals("name"));
            switch (at) {
                case LambdaExpression lambda -> {
                    IMethodBinding functional = lambda.resolveMethodBinding();
                    if (functional != null && declares(functional, chain)) return handled(range);
                    String why = "it is in a lambda, whose functional interface's method does not throw " + simple;
                    if (statement != null) return wrapped(unit, text, range, null, why, statement);
                    if (lambda.getBody() instanceof Expression body) {
                        boolean returns = functional != null && !"void".equals(functional.getReturnType().getName());
                        String expression = text.substring(body.getStartPosition(), end(body));
                        String catchName = catchName(unit, range[0]);
                        var wrap = new ExceptionSite.Wrap(body.getStartPosition(), end(body), (returns ? "return " : "") + expression + ";", null, true,
                                catchName, null);
                        return new ExceptionSite(range[0], range[1], false, null, why, wrap, null);
                    }
                    return new ExceptionSite(range[0], range[1], false, null, why, null, "no statement of the lambda holds it");
                }
                case MethodReference reference when named -> {
                    // The method named by a reference (Store::load): its functional interface's method must throw it.
                    ITypeBinding target = reference.resolveTypeBinding();
                    IMethodBinding functional = target == null ? null : target.getFunctionalInterfaceMethod();
                    if (functional != null && declares(functional, chain)) return handled(range);
                    String why = "it is a method reference, and its functional interface's method does not throw " + simple;
                    return asLambda(unit, text, range, reference, functional, why);
                }
                case MethodDeclaration method -> {
                    IMethodBinding binding = method.resolveBinding();
                    if (binding == null) return null;
                    if (declares(binding, chain)) return handled(range);
                    String why = overriddenNotThrowing(binding, chain);
                    ExceptionSite.Declarer declarer = why != null ? null
                            : new ExceptionSite.Declarer(binding.getMethodDeclaration().getKey(), method.getName().getIdentifier(), throwsAt(text, method),
                            !method.thrownExceptionTypes().isEmpty());
                    return wrapped(unit, text, range, declarer, why, statement);
                }
                case Initializer initializer -> {
                    return wrapped(unit, text, range, null, "it is in an initializer", statement);
                }
                case FieldDeclaration field -> {
                    return new ExceptionSite(range[0], range[1], false, null, "it is in a field's initializer", null, "it is in a field's initializer");
                }
                case EnumConstantDeclaration constant -> {
                    return new ExceptionSite(range[0], range[1], false, null, "it is in an enum constant", null, "it is in an enum constant");
                }
                case AbstractTypeDeclaration type -> {
                    return null;
                }
                case AnonymousClassDeclaration type -> {
                    return null;
                }
                default -> {
                }
            }
        }
        return null;
    }

    /**
     * A method reference that would catch the exception as a lambda ({@code StringUtils::containsIgnoreCase} ->
     * {@code (cs, searchStr) -> StringUtils.containsIgnoreCase(cs, searchStr)}, a {@code try} in its block): its
     * parameters are the method's (the receiver first where the reference names an instance method through its type),
     * renamed where a variable in sight has the name. Only where the receiver is a name, {@code this} or {@code super}:
     * a receiver that is a call would be evaluated at each call of the lambda instead of once.
     */
    private static ExceptionSite asLambda(CompilationUnit unit, String text, int[] range, MethodReference reference, IMethodBinding functional,
                                          String why) {
        IMethodBinding method = reference.resolveMethodBinding();
        if (functional == null || method == null) return new ExceptionSite(range[0], range[1], false, null, why, null, why);
        String callee;
        boolean unboundAllowed;
        switch (reference) {
            case ExpressionMethodReference e when e.getExpression() instanceof Name || e.getExpression() instanceof ThisExpression -> {
                callee = text.substring(e.getExpression().getStartPosition(), end(e.getExpression())) + "." + e.getName().getIdentifier();
                unboundAllowed = e.getExpression() instanceof Name name && name.resolveBinding() instanceof ITypeBinding;
            }
            case SuperMethodReference e when e.getQualifier() == null -> {
                callee = "super." + e.getName().getIdentifier();
                unboundAllowed = false;
            }
            case TypeMethodReference e -> {
                callee = text.substring(e.getType().getStartPosition(), end(e.getType())) + "." + e.getName().getIdentifier();
                unboundAllowed = true;
            }
            case CreationReference e when !e.getType().isArrayType() -> {
                callee = "new " + text.substring(e.getType().getStartPosition(), end(e.getType()));
                unboundAllowed = false;
            }
            default -> {
                return new ExceptionSite(range[0], range[1], false, null, why, null,
                        why + "; its receiver would be evaluated at each call of a lambda that stands for it");
            }
        }
        int arity = functional.getParameterTypes().length;
        int own = method.getParameterTypes().length;
        boolean unbound = unboundAllowed && !java.lang.reflect.Modifier.isStatic(method.getModifiers()) && !method.isConstructor() && arity == own + 1;
        if (method.isVarargs() || arity != own + (unbound ? 1 : 0)) {
            return new ExceptionSite(range[0], range[1], false, null, why, null, why + "; it takes its arguments otherwise than a lambda would say");
        }
        Set<String> taken = new HashSet<>();
        for (ScopeVariable v : VisibleVariables.at(unit, range[0])) taken.add(v.name());
        List<String> params = new ArrayList<>();
        if (unbound) params.add(fresh(decapitalize(method.getDeclaringClass().getErasure().getName()), taken));
        // A method read from a type's shape (another file of the workspace, a jar) has no parameter names (arg0):
        // its parameter types name them then.
        String[] names = method.getParameterNames();
        for (int i = 0; i < own; i++) {
            boolean named = i < names.length && !names[i].isEmpty() && !names[i].matches("arg\\d+");
            params.add(fresh(named ? names[i] : nameOf(method.getParameterTypes()[i]), taken));
        }
        String head = params.size() == 1 ? params.getFirst() : "(" + String.join(", ", params) + ")";
        List<String> arguments = unbound ? params.subList(1, params.size()) : params;
        String call = (unbound ? params.getFirst() + "." + method.getName() : callee) + "(" + String.join(", ", arguments) + ")";
        boolean returns = !"void".equals(functional.getReturnType().getName());
        String catchName = fresh("e", taken);
        var wrap = new ExceptionSite.Wrap(reference.getStartPosition(), end(reference), (returns ? "return " : "") + call + ";", null, true, catchName, head);
        return new ExceptionSite(range[0], range[1], false, null, why, wrap, null);
    }

    /** {@code name}, or with the first number appended that makes it unlike any in {@code taken}; then taken too. */
    private static String fresh(String name, Set<String> taken) {
        String n = name;
        for (int i = 1; taken.contains(n); i++) n = name + i;
        taken.add(n);
        return n;
    }

    /** A parameter's name from its type: {@code i} for an {@code int}, {@code charSequence}, {@code items} for an {@code Item[]}. */
    private static String nameOf(ITypeBinding type) {
        if (type.isPrimitive()) return type.getName().substring(0, 1);
        if (type.isArray()) return nameOf(type.getElementType()) + "s";
        String name = decapitalize(type.getErasure().getName());
        return name.isEmpty() || !Character.isJavaIdentifierStart(name.charAt(0)) ? "value" : name;
    }

    private static String decapitalize(String name) {
        return name.isEmpty() ? "receiver" : Character.toLowerCase(name.charAt(0)) + name.substring(1);
    }

    /**
     * The edits that drop the catch clauses whose types are at {@code [catches[i][0], catches[i][1])} (where the
     * compiler says a catch block is unreachable), each only where its try's body or resources hold one of {@code
     * calls}: the catch clause itself, or its type from a multi-catch ({@code IOException | SQLException} ->
     * {@code SQLException}), or, where it is the try's only clause and the try has neither resources nor a
     * {@code finally}, the try itself, its body's statements taking its place one step out. Null where that is not so.
     */
    static List<dev.quicksilver.index.CatchEdit> droppedCatches(CompilationUnit unit, String text, List<int[]> catches, List<int[]> calls) {
        // Which clause, and which of a multi-catch's types, each range is; then each try's clauses are decided together
        // (all of them dropped: the try gives way to its statements), and each multi-catch's types.
        List<CatchClause> clauseOf = new ArrayList<>();
        java.util.Map<CatchClause, Set<ASTNode>> droppedTypes = new java.util.LinkedHashMap<>();
        for (int[] c : catches) {
            ASTNode node = NodeFinder.perform(unit, c[0], c[1] - c[0]);
            while (node != null && !(node instanceof CatchClause)) node = node.getParent();
            CatchClause clause = node instanceof CatchClause cc && cc.getParent() instanceof TryStatement t && holdsACall(t, calls) ? cc : null;
            ASTNode alternative = null;
            if (clause != null && clause.getException().getType() instanceof UnionType union) {
                for (Object a : union.types()) if (covers((ASTNode) a, c)) alternative = (ASTNode) a;
                if (alternative == null) clause = null;
            }
            clauseOf.add(clause);
            if (clause != null) droppedTypes.computeIfAbsent(clause, k -> new HashSet<>()).add(alternative == null ? clause : alternative);
        }
        Set<CatchClause> whole = new HashSet<>(); // clauses dropped whole: every type of a multi-catch too
        for (var e : droppedTypes.entrySet()) {
            Type type = e.getKey().getException().getType();
            if (!(type instanceof UnionType union) || e.getValue().containsAll(union.types())) whole.add(e.getKey());
        }
        List<dev.quicksilver.index.CatchEdit> out = new ArrayList<>();
        Set<ASTNode> done = new HashSet<>();
        for (int i = 0; i < catches.size(); i++) {
            CatchClause clause = clauseOf.get(i);
            if (clause == null) {
                out.add(null);
                continue;
            }
            TryStatement t = (TryStatement) clause.getParent();
            List<?> clauses = t.catchClauses();
            boolean unwrap = whole.containsAll(clauses) && t.getFinally() == null && t.resources().isEmpty();
            if (!done.add(unwrap ? t : clause)) {
                out.add(null); // the same edit as an earlier range's
                continue;
            }
            if (unwrap) {
                out.add(new dev.quicksilver.index.CatchEdit(t.getStartPosition(), end(t), unwrapped(text, t)));
            } else if (whole.contains(clause)) {
                int index = clauses.indexOf(clause);
                int start = index == 0 ? end(t.getBody()) : end((ASTNode) clauses.get(index - 1));
                out.add(new dev.quicksilver.index.CatchEdit(start, end(clause), ""));
            } else {
                // Some types of a multi-catch: the types kept, as written, joined as the union joins them.
                UnionType union = (UnionType) clause.getException().getType();
                List<String> kept = new ArrayList<>();
                for (Object a : union.types()) {
                    if (!droppedTypes.get(clause).contains(a)) kept.add(text.substring(((ASTNode) a).getStartPosition(), end((ASTNode) a)));
                }
                out.add(new dev.quicksilver.index.CatchEdit(union.getStartPosition(), end(union), String.join(" | ", kept)));
            }
        }
        return out;
    }

    /** A try's body's statements as they read one step out, from the try's own column on. */
    private static String unwrapped(String text, TryStatement t) {
        List<?> statements = t.getBody().statements();
        if (statements.isEmpty()) return "";
        int first = ((ASTNode) statements.getFirst()).getStartPosition();
        // Comments after the last statement, before the closing brace's line, stay too.
        int closeLine = text.lastIndexOf('\n', end(t.getBody()) - 1);
        int last = Math.max(end((ASTNode) statements.getLast()), closeLine);
        // Comments in the body before its first statement stay with the statements: from the line after the brace.
        int bodyOpen = t.getBody().getStartPosition();
        int from = text.indexOf('\n', bodyOpen) + 1;
        if (from <= 0 || from > first) from = first;
        String tryIndent = indentOf(text, t.getStartPosition());
        String inner = indentOf(text, first);
        String step = inner.startsWith(tryIndent) ? inner.substring(tryIndent.length()) : "";
        StringBuilder out = new StringBuilder();
        String[] lines = text.substring(from, last).split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (!step.isEmpty() && line.startsWith(tryIndent + step)) line = tryIndent + line.substring(tryIndent.length() + step.length());
            if (i == 0) line = line.stripLeading(); // the try's own line keeps its indentation before the edit
            out.append(line);
            if (i + 1 < lines.length) out.append('\n');
        }
        return out.toString().stripTrailing();
    }

    private static String indentOf(String text, int offset) {
        int lineStart = text.lastIndexOf('\n', offset - 1) + 1;
        int i = lineStart;
        while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) i++;
        return text.substring(lineStart, i);
    }

    private static boolean covers(ASTNode node, int[] range) {
        return node.getStartPosition() <= range[0] && range[0] < end(node);
    }

    /** Whether one of {@code calls} is in the try's body or resources. */
    private static boolean holdsACall(TryStatement t, List<int[]> calls) {
        List<ASTNode> parts = new ArrayList<>();
        parts.add(t.getBody());
        for (Object r : t.resources()) parts.add((ASTNode) r);
        for (int[] call : calls) for (ASTNode part : parts) if (covers(part, call) && call[1] <= end(part)) return true;
        return false;
    }

    private static ExceptionSite handled(int[] range) {
        return new ExceptionSite(range[0], range[1], true, null, null, null, null);
    }

    private static ExceptionSite wrapped(CompilationUnit unit, String text, int[] range, ExceptionSite.Declarer declarer, String notDeclarable,
                                         Statement statement) {
        if (statement == null) return new ExceptionSite(range[0], range[1], false, declarer, notDeclarable, null, "no statement of a block holds it");
        if (statement instanceof ConstructorInvocation || statement instanceof SuperConstructorInvocation) {
            return new ExceptionSite(range[0], range[1], false, declarer, notDeclarable, null,
                    "a this(...) or super(...) call must be its constructor's first statement, outside any try");
        }
        String catchName = catchName(unit, range[0]);
        String whole = text.substring(statement.getStartPosition(), end(statement));
        ExceptionSite.Wrap wrap = new ExceptionSite.Wrap(statement.getStartPosition(), end(statement), whole, null, false, catchName, null);
        if (statement instanceof VariableDeclarationStatement declaration && declaration.fragments().size() == 1
                && declaration.fragments().getFirst() instanceof VariableDeclarationFragment fragment && fragment.getInitializer() != null
                && usedAfter(declaration, fragment)) {
            // The variable is declared before the try and assigned in it, so the code after it still sees it.
            String head = text.substring(declaration.getStartPosition(), fragment.getStartPosition());
            if (declaration.getType().isVar()) {
                IVariableBinding variable = fragment.resolveBinding();
                ITypeBinding type = variable == null ? null : variable.getType();
                if (type == null || type.isAnonymous() || type.isCapture() || type.isIntersectionType() || type.isNullType()) {
                    return new ExceptionSite(range[0], range[1], false, declarer, notDeclarable, wrap, null);
                }
                head = head.replaceFirst("\\bvar\\b", java.util.regex.Matcher.quoteReplacement(type.getName()));
            }
            String name = text.substring(fragment.getName().getStartPosition(), fragment.getInitializer().getStartPosition())
                    .replaceFirst("\\s*=\\s*$", "");
            Expression init = fragment.getInitializer();
            wrap = new ExceptionSite.Wrap(statement.getStartPosition(), end(statement),
                    fragment.getName().getIdentifier() + " = " + text.substring(init.getStartPosition(), end(init)) + ";", head + name + ";", false,
                    catchName, null);
        }
        return new ExceptionSite(range[0], range[1], false, declarer, notDeclarable, wrap, null);
    }

    /** Whether {@code child}, the try's body or one of its resources, has its exception caught by one of the try's catch clauses. */
    private static boolean catches(TryStatement t, ASTNode child, List<String> chain) {
        if (child.getLocationInParent() != TryStatement.BODY_PROPERTY && child.getLocationInParent() != TryStatement.RESOURCES2_PROPERTY) return false;
        for (Object c : t.catchClauses()) {
            Type type = ((CatchClause) c).getException().getType();
            List<?> alternatives = type instanceof UnionType union ? union.types() : List.of(type);
            for (Object alternative : alternatives) {
                ITypeBinding caught = ((Type) alternative).resolveBinding();
                if (caught != null && chain.contains(caught.getErasure().getQualifiedName())) return true;
            }
        }
        return false;
    }

    private static boolean declares(IMethodBinding method, List<String> chain) {
        for (ITypeBinding thrown : method.getExceptionTypes()) if (chain.contains(thrown.getErasure().getQualifiedName())) return true;
        return false;
    }

    /**
     * Why {@code method} may not declare the exception: it overrides a method (of a superclass or an interface) that
     * does not throw it or a superclass of it; null where it overrides none such.
     */
    private static String overriddenNotThrowing(IMethodBinding method, List<String> chain) {
        if (method.isConstructor() || method.getDeclaringClass() == null) return null;
        Deque<ITypeBinding> todo = new ArrayDeque<>();
        Set<String> seen = new HashSet<>();
        ITypeBinding owner = method.getDeclaringClass();
        if (owner.getSuperclass() != null) todo.add(owner.getSuperclass());
        todo.addAll(List.of(owner.getInterfaces()));
        while (!todo.isEmpty()) {
            ITypeBinding type = todo.poll();
            if (!seen.add(type.getErasure().getKey())) continue;
            for (IMethodBinding candidate : type.getDeclaredMethods()) {
                if (method.overrides(candidate) && !declares(candidate, chain)) {
                    return "it overrides " + type.getErasure().getName() + "." + candidate.getName() + "(), which does not throw " + simpleName(chain.getFirst());
                }
            }
            if (type.getSuperclass() != null) todo.add(type.getSuperclass());
            todo.addAll(List.of(type.getInterfaces()));
        }
        return null;
    }

    /** Where {@code throws E} goes: after the last exception the method throws, else after its parameter list's parenthesis. */
    private static int throwsAt(String text, MethodDeclaration method) {
        List<?> thrown = method.thrownExceptionTypes();
        if (!thrown.isEmpty()) return end((ASTNode) thrown.getLast());
        int from = method.parameters().isEmpty() ? end(method.getName()) : end((SingleVariableDeclaration) method.parameters().getLast());
        if (method.isCompactConstructor()) return end(method.getName());
        int close = text.indexOf(')', from);
        for (int i = 0; i < method.getExtraDimensions(); i++) close = text.indexOf(']', close + 1);
        return close < 0 ? end(method.getName()) : close + 1;
    }

    /**
     * A statement a try can take the place of: one of a block's, or of an old-style switch's (a {@code case X ->}
     * rule's statement may not be a try).
     */
    private static boolean standsInBlock(Statement s) {
        if (s instanceof SwitchCase || s instanceof Block && !(s.getParent() instanceof Block)) return false;
        if (s.getParent() instanceof Block) return true;
        if (!(s.getParent() instanceof SwitchStatement sw)) return false;
        for (Object o : sw.statements()) if (o instanceof SwitchCase c && c.isSwitchLabeledRule()) return false;
        return true;
    }

    /** Whether a statement after {@code declaration} in its block (or switch) names the variable it declares. */
    private static boolean usedAfter(VariableDeclarationStatement declaration, VariableDeclarationFragment fragment) {
        IVariableBinding variable = fragment.resolveBinding();
        List<?> siblings = declaration.getParent() instanceof Block b ? b.statements()
                : declaration.getParent() instanceof SwitchStatement sw ? sw.statements() : List.of();
        boolean[] used = new boolean[1];
        String name = fragment.getName().getIdentifier();
        for (int i = siblings.indexOf(declaration) + 1; i < siblings.size() && !used[0]; i++) {
            ((ASTNode) siblings.get(i)).accept(new ASTVisitor() {
                @Override
                public boolean visit(SimpleName n) {
                    if (n.getIdentifier().equals(name) && (variable == null || variable.isEqualTo(n.resolveBinding()))) used[0] = true;
                    return false;
                }
            });
        }
        return used[0];
    }

    /** {@code e}, or the first of {@code ex}, {@code e1}, {@code e2}... that no variable in sight at {@code offset} is named. */
    private static String catchName(CompilationUnit unit, int offset) {
        Set<String> taken = new HashSet<>();
        for (ScopeVariable v : VisibleVariables.at(unit, offset)) taken.add(v.name());
        if (!taken.contains("e")) return "e";
        if (!taken.contains("ex")) return "ex";
        for (int i = 1; ; i++) if (!taken.contains("e" + i)) return "e" + i;
    }

    /** The qualified names of an exception type and its superclasses up to Throwable, innermost first. */
    private static List<String> supertypes(ITypeBinding type) {
        List<String> out = new ArrayList<>();
        for (ITypeBinding t = type.getErasure(); t != null && out.size() < 32; t = t.getSuperclass()) {
            out.add(t.getErasure().getQualifiedName());
            if (out.getLast().equals("java.lang.Throwable")) break; // Object is no exception
        }
        return out;
    }

    /** The name a type is written with where its outermost type is imported: {@code Outer.Inner}. */
    private static String sourceName(ITypeBinding type) {
        String name = type.getErasure().getName();
        for (ITypeBinding outer = type.getErasure().getDeclaringClass(); outer != null; outer = outer.getDeclaringClass()) name = outer.getName() + "." + name;
        return name;
    }

    private static String simpleName(String qualified) {
        return qualified.substring(qualified.lastIndexOf('.') + 1);
    }

    private static int end(ASTNode node) {
        return node.getStartPosition() + node.getLength();
    }
}
