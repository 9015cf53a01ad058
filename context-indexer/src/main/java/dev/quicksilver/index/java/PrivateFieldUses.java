package dev.quicksilver.index.java;

import dev.quicksilver.index.VariableUses;
import java.util.Optional;
import org.eclipse.jdt.core.dom.ASTNode;
import org.eclipse.jdt.core.dom.CompilationUnit;
import org.eclipse.jdt.core.dom.FieldDeclaration;
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
        // Through a parameterized type (other.count of a Box<?>) the binding is the field as that type has it: its
        // declaration is the field.
        return Optional.of(LocalVariableUses.collect(unit, name, v -> isField(v.getVariableDeclaration(), field, key), false,
                (n, b) -> n.getIdentifier().equals(newName)));
    }

    private static boolean isField(IVariableBinding declared, IVariableBinding field, String key) {
        return declared == field || declared.isEqualTo(field) || key.equals(declared.getKey());
    }
}
