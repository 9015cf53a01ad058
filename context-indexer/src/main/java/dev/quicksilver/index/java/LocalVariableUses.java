package dev.quicksilver.index.java;

import dev.quicksilver.index.VariableUses;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiPredicate;
import java.util.function.Predicate;
import org.eclipse.jdt.core.dom.ASTNode;
import org.eclipse.jdt.core.dom.ASTVisitor;
import org.eclipse.jdt.core.dom.CompilationUnit;
import org.eclipse.jdt.core.dom.IBinding;
import org.eclipse.jdt.core.dom.IVariableBinding;
import org.eclipse.jdt.core.dom.MethodDeclaration;
import org.eclipse.jdt.core.dom.NodeFinder;
import org.eclipse.jdt.core.dom.SimpleName;
import org.eclipse.jdt.core.dom.VariableDeclaration;

/**
 * The uses of the local variable or parameter declared by the name at an offset of a resolved unit: every simple
 * name bound to the same variable (by binding key, which is unique within a unit), and whether another name would
 * clash in the variable's scope (the innermost body or block around its declaration, from the declaration on).
 */
final class LocalVariableUses {
    private LocalVariableUses() {
    }

    /** The nodes a variable declared in them is in scope within (the innermost one around a declaration). */
    private static final java.util.Set<Class<? extends ASTNode>> SCOPES = java.util.Set.of(org.eclipse.jdt.core.dom.Block.class,
            MethodDeclaration.class, org.eclipse.jdt.core.dom.LambdaExpression.class, org.eclipse.jdt.core.dom.CatchClause.class,
            org.eclipse.jdt.core.dom.ForStatement.class, org.eclipse.jdt.core.dom.EnhancedForStatement.class,
            org.eclipse.jdt.core.dom.TryStatement.class);

    static Optional<VariableUses> of(CompilationUnit unit, int nameOffset, String newName) {
        ASTNode found = NodeFinder.perform(unit, nameOffset, 0);
        if (!(found instanceof SimpleName name) || !(name.getParent() instanceof VariableDeclaration declaration)
                || declaration.getName() != name) {
            return Optional.empty();
        }
        // A record's component is no local: it is a field and an accessor too, whose uses reach other files.
        if (declaration.getParent() instanceof org.eclipse.jdt.core.dom.RecordDeclaration) return Optional.empty();
        IVariableBinding variable = declaration.resolveBinding();
        if (variable == null || variable.isField()) return Optional.empty();
        String key = variable.getKey();
        boolean methodParameter = variable.isParameter() && declaration.getParent() instanceof MethodDeclaration;
        ASTNode scope = declaration.getParent();
        while (scope.getParent() != null && !SCOPES.contains(scope.getClass())) scope = scope.getParent();
        int from = declaration.getStartPosition();
        int to = scope.getStartPosition() + scope.getLength();
        return Optional.of(collect(unit, name, v -> key.equals(v.getKey()), methodParameter,
                (n, b) -> b instanceof IVariableBinding && n.getIdentifier().equals(newName) && n.getStartPosition() >= from && n.getStartPosition() < to));
    }

    /**
     * The names in {@code unit} bound to a variable ({@code isIt} of their binding; its declaration's {@code name} left
     * out), and the first name that {@code clashes} says the new name would clash with.
     */
    static VariableUses collect(CompilationUnit unit, SimpleName name, Predicate<IVariableBinding> isIt, boolean methodParameter,
                                BiPredicate<SimpleName, IBinding> clashes) {
        List<Integer> uses = new ArrayList<>();
        int[] clashAt = {-1};
        unit.accept(new ASTVisitor() {
            @Override
            public boolean visit(SimpleName n) {
                IBinding b = n.resolveBinding();
                if (b instanceof IVariableBinding v && isIt.test(v)) {
                    if (n != name) uses.add(n.getStartPosition());
                } else if (clashAt[0] < 0 && clashes.test(n, b)) {
                    clashAt[0] = n.getStartPosition();
                }
                return false;
            }
        });
        return new VariableUses(uses, methodParameter, clashAt[0]);
    }
}
