package dev.quicksilver.index.java;

import dev.quicksilver.index.ScopeVariable;
import org.eclipse.jdt.core.dom.ASTNode;
import org.eclipse.jdt.core.dom.ASTVisitor;
import org.eclipse.jdt.core.dom.AbstractTypeDeclaration;
import org.eclipse.jdt.core.dom.AnnotationTypeDeclaration;
import org.eclipse.jdt.core.dom.AnonymousClassDeclaration;
import org.eclipse.jdt.core.dom.CompilationUnit;
import org.eclipse.jdt.core.dom.ConstructorInvocation;
import org.eclipse.jdt.core.dom.EnumConstantDeclaration;
import org.eclipse.jdt.core.dom.ITypeBinding;
import org.eclipse.jdt.core.dom.IVariableBinding;
import org.eclipse.jdt.core.dom.Initializer;
import org.eclipse.jdt.core.dom.LambdaExpression;
import org.eclipse.jdt.core.dom.MethodDeclaration;
import org.eclipse.jdt.core.dom.Modifier;
import org.eclipse.jdt.core.dom.SingleVariableDeclaration;
import org.eclipse.jdt.core.dom.SuperConstructorInvocation;
import org.eclipse.jdt.core.dom.TypeDeclaration;
import org.eclipse.jdt.core.dom.VariableDeclaration;
import org.eclipse.jdt.core.dom.VariableDeclarationFragment;
import org.eclipse.jdt.core.dom.FieldDeclaration;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The variables a resolved compilation unit has in sight at an offset: locals and parameters whose scope holds
 * the offset (declared before it, in a block, for, catch, lambda or method that contains it), then the fields of
 * the enclosing types and of their supertypes (not private ones of a supertype; only static ones in a static
 * context: a static member, an enum constant, a this(...) or super(...)'s arguments, a static nested type). An
 * inner declaration hides an outer one of the same name. Pattern variables are not collected.
 */
final class VisibleVariables {
    private static final Map<String, List<String>> WIDENING = Map.of(
            "byte", List.of("short", "int", "long", "float", "double"),
            "short", List.of("int", "long", "float", "double"),
            "char", List.of("int", "long", "float", "double"),
            "int", List.of("long", "float", "double"),
            "long", List.of("float", "double"),
            "float", List.of("double"));

    private VisibleVariables() {
    }

    static List<ScopeVariable> at(CompilationUnit unit, int offset) {
        Map<String, ScopeVariable> byName = new LinkedHashMap<>();
        List<VariableDeclaration> locals = new ArrayList<>();
        unit.accept(new ASTVisitor() {
            @Override
            public boolean visit(VariableDeclarationFragment node) {
                if (!(node.getParent() instanceof FieldDeclaration) && visible(node, offset)) locals.add(node);
                return true;
            }

            @Override
            public boolean visit(SingleVariableDeclaration node) {
                if (visible(node, offset)) locals.add(node);
                return true;
            }
        });
        // Innermost first: the declaration that starts last is the one that hides the others.
        locals.sort((a, b) -> Integer.compare(b.getStartPosition(), a.getStartPosition()));
        for (VariableDeclaration v : locals) {
            IVariableBinding binding = v.resolveBinding();
            if (binding != null && binding.getType() != null) byName.putIfAbsent(v.getName().getIdentifier(), variable(binding));
        }
        boolean staticContext = false;
        for (ASTNode n = nodeAt(unit, offset); n != null; n = n.getParent()) {
            if (n instanceof MethodDeclaration m && Modifier.isStatic(m.getModifiers())
                    || n instanceof Initializer i && Modifier.isStatic(i.getModifiers())
                    || n instanceof FieldDeclaration f && Modifier.isStatic(f.getModifiers())
                    // An enum constant (its arguments, and its body's code: an anonymous class in a static context)
                    // is made as the enum is initialised, a this(...) or super(...)'s arguments before the object
                    // is: none of the enclosing object's fields can be read there (JLS 8.9.1, 8.8.7.1).
                    || n instanceof EnumConstantDeclaration
                    || n instanceof ConstructorInvocation || n instanceof SuperConstructorInvocation) {
                staticContext = true;
            }
            ITypeBinding type = n instanceof AbstractTypeDeclaration t ? t.resolveBinding()
                    : n instanceof AnonymousClassDeclaration a ? a.resolveBinding() : null;
            if (type == null) continue;
            addFields(type, true, staticContext, byName, new LinkedHashSet<>());
            if (n instanceof AbstractTypeDeclaration t && isStatic(t)) staticContext = true;
        }
        return List.copyOf(byName.values());
    }

    /** A static nested type: declared so, or an enum, record, interface or annotation (JLS 8.9, 8.10, 9.1.1.3), or a member of an interface. */
    private static boolean isStatic(AbstractTypeDeclaration t) {
        return Modifier.isStatic(t.getModifiers()) || !(t instanceof TypeDeclaration c) || c.isInterface()
                || t.getParent() instanceof TypeDeclaration outer && outer.isInterface()
                || t.getParent() instanceof AnnotationTypeDeclaration;
    }

    /** Whether {@code offset} is inside the scope of the declaration and after its end. */
    private static boolean visible(VariableDeclaration v, int offset) {
        if (v.getStartPosition() + v.getLength() > offset) return false;
        ASTNode scope = v.getParent();
        // A fragment of a local declaration statement is visible to the end of the block holding the statement.
        if (v instanceof VariableDeclarationFragment && scope instanceof org.eclipse.jdt.core.dom.VariableDeclarationStatement) {
            scope = scope.getParent();
        } else if (v instanceof VariableDeclarationFragment && scope instanceof org.eclipse.jdt.core.dom.VariableDeclarationExpression) {
            scope = scope.getParent(); // a for statement's initializer, or a try resource
        }
        if (scope == null) return false;
        if (scope instanceof LambdaExpression lambda) scope = lambda.getBody();
        if (scope instanceof MethodDeclaration m) scope = m.getBody();
        if (scope == null) return false;
        return offset >= scope.getStartPosition() && offset < scope.getStartPosition() + scope.getLength();
    }

    private static ASTNode nodeAt(CompilationUnit unit, int offset) {
        ASTNode[] found = {unit};
        unit.accept(new ASTVisitor() {
            @Override
            public boolean preVisit2(ASTNode node) {
                if (offset < node.getStartPosition() || offset > node.getStartPosition() + node.getLength()) return false;
                found[0] = node;
                return true;
            }
        });
        return found[0];
    }

    private static void addFields(ITypeBinding type, boolean own, boolean staticOnly, Map<String, ScopeVariable> byName, Set<String> seen) {
        if (type == null || !seen.add(type.getErasure().getKey())) return;
        for (IVariableBinding f : type.getDeclaredFields()) {
            if (!own && Modifier.isPrivate(f.getModifiers())) continue;
            if (staticOnly && !Modifier.isStatic(f.getModifiers())) continue;
            if (f.getType() != null) byName.putIfAbsent(f.getName(), variable(f));
        }
        addFields(type.getSuperclass(), false, staticOnly, byName, seen);
        for (ITypeBinding i : type.getInterfaces()) addFields(i, false, staticOnly, byName, seen);
    }

    private static ScopeVariable variable(IVariableBinding binding) {
        ITypeBinding type = binding.getType();
        Set<String> to = new LinkedHashSet<>();
        if (type.isPrimitive()) {
            String name = type.getName();
            to.add(name);
            to.addAll(WIDENING.getOrDefault(name, List.of()));
            String boxed = boxed(name);
            if (boxed != null) {
                to.add(boxed);
                to.add("java.lang.Object");
                if (!name.equals("boolean") && !name.equals("char")) to.add("java.lang.Number");
                to.add("java.io.Serializable");
                to.add("java.lang.Comparable");
            }
        } else {
            supertypes(type, to);
            to.add("java.lang.Object");
        }
        return new ScopeVariable(binding.getName(), name(type), to, binding.isField(), binding.getVariableDeclaration().getKey());
    }

    private static void supertypes(ITypeBinding type, Set<String> into) {
        if (type == null) return;
        if (type.isArray()) {
            into.add(name(type));
            into.add("java.lang.Cloneable");
            into.add("java.io.Serializable");
            return;
        }
        if (!into.add(name(type))) return;
        supertypes(type.getSuperclass(), into);
        for (ITypeBinding i : type.getInterfaces()) supertypes(i, into);
        for (ITypeBinding bound : type.isTypeVariable() || type.isCapture() ? type.getTypeBounds() : new ITypeBinding[0]) supertypes(bound, into);
    }

    private static String name(ITypeBinding type) {
        if (type.isArray()) return name(type.getElementType()) + "[]".repeat(type.getDimensions());
        ITypeBinding erasure = type.getErasure();
        String q = erasure.getQualifiedName();
        return q.isEmpty() ? erasure.getName() : q;
    }

    private static String boxed(String primitive) {
        return switch (primitive) {
            case "int" -> "java.lang.Integer";
            case "long" -> "java.lang.Long";
            case "short" -> "java.lang.Short";
            case "byte" -> "java.lang.Byte";
            case "char" -> "java.lang.Character";
            case "boolean" -> "java.lang.Boolean";
            case "float" -> "java.lang.Float";
            case "double" -> "java.lang.Double";
            default -> null;
        };
    }
}
