package dev.quicksilver.index.java;

import dev.quicksilver.index.VariableUses;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.jdt.core.dom.ASTNode;
import org.eclipse.jdt.core.dom.ASTVisitor;
import org.eclipse.jdt.core.dom.CompilationUnit;
import org.eclipse.jdt.core.dom.FieldDeclaration;
import org.eclipse.jdt.core.dom.IBinding;
import org.eclipse.jdt.core.dom.IVariableBinding;
import org.eclipse.jdt.core.dom.Modifier;
import org.eclipse.jdt.core.dom.NodeFinder;
import org.eclipse.jdt.core.dom.SimpleName;
import org.eclipse.jdt.core.dom.VariableDeclarationFragment;

/**
 * The uses of the private field declared by the name at an offset of a resolved unit: every simple name bound to it
 * (a private field is seen in its file alone), and whether another name would clash: any name spelled as the new
 * one anywhere in the unit (a local, parameter or field of that name, or an inherited field read by it, could hide
 * the renamed field or be hidden by it; a rename that keeps clear of them all need not tell which).
 */
final class PrivateFieldUses {
    private PrivateFieldUses() {
    }

    static Optional<VariableUses> of(CompilationUnit unit, int nameOffset, String newName) {
        ASTNode found = NodeFinder.perform(unit, nameOffset, 0);
        if (!(found instanceof SimpleName name) || !(name.getParent() instanceof VariableDeclarationFragment fragment)
                || fragment.getName() != name || !(fragment.getParent() instanceof FieldDeclaration)) {
            return Optional.empty();
        }
        IVariableBinding field = fragment.resolveBinding();
        if (field == null || !field.isField() || !Modifier.isPrivate(field.getModifiers())) return Optional.empty();
        String key = field.getKey();
        List<Integer> uses = new ArrayList<>();
        int[] clashAt = {-1};
        unit.accept(new ASTVisitor() {
            @Override
            public boolean visit(SimpleName n) {
                IBinding b = n.resolveBinding();
                // Through a parameterized type (other.count of a Box<?>) the binding is the field as that type has
                // it: its declaration is the field.
                if (b instanceof IVariableBinding v && isField(v.getVariableDeclaration(), field, key)) {
                    if (n != name) uses.add(n.getStartPosition());
                } else if (n.getIdentifier().equals(newName) && clashAt[0] < 0) {
                    clashAt[0] = n.getStartPosition();
                }
                return false;
            }
        });
        return Optional.of(new VariableUses(uses, false, clashAt[0]));
    }

    private static boolean isField(IVariableBinding declared, IVariableBinding field, String key) {
        return declared == field || declared.isEqualTo(field) || key.equals(declared.getKey());
    }
}
