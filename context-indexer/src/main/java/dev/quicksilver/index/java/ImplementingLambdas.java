package dev.quicksilver.index.java;

import dev.quicksilver.index.LambdaSite;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.eclipse.jdt.core.dom.ASTNode;
import org.eclipse.jdt.core.dom.ASTVisitor;
import org.eclipse.jdt.core.dom.CompilationUnit;
import org.eclipse.jdt.core.dom.IMethodBinding;
import org.eclipse.jdt.core.dom.ITypeBinding;
import org.eclipse.jdt.core.dom.LambdaExpression;

/**
 * The lambdas of a resolved compilation unit that implement one of some methods: their target type's functional
 * method (the interface method they stand for, wherever it is declared) has one of the given binding keys. The
 * index keeps no lambdas; a refactor that changes a functional method's parameters asks for them file by file,
 * where a lambda of the same length would still compile and the compiler's complaints cannot find it.
 */
final class ImplementingLambdas extends ASTVisitor {
    private final String text;
    private final Set<String> methodKeys;
    private final List<LambdaSite> found = new ArrayList<>();

    private ImplementingLambdas(String text, Set<String> methodKeys) {
        this.text = text;
        this.methodKeys = methodKeys;
    }

    static List<LambdaSite> in(CompilationUnit unit, String text, Set<String> methodKeys) {
        ImplementingLambdas visitor = new ImplementingLambdas(text, methodKeys);
        unit.accept(visitor);
        return visitor.found;
    }

    @Override
    public boolean visit(LambdaExpression lambda) {
        ITypeBinding target = lambda.resolveTypeBinding();
        IMethodBinding functional = target == null ? null : target.getFunctionalInterfaceMethod();
        if (functional != null && methodKeys.contains(functional.getMethodDeclaration().getKey())) site(lambda);
        return true; // a lambda inside another may implement the method too
    }

    private void site(LambdaExpression lambda) {
        ASTNode body = lambda.getBody();
        int start = lambda.getStartPosition();
        // The parameter list ends where the arrow before the body starts (blanks left out).
        int arrow = text.lastIndexOf("->", body.getStartPosition());
        if (arrow < start) return;
        int end = arrow;
        while (end > start && Character.isWhitespace(text.charAt(end - 1))) end--;
        List<String> params = new ArrayList<>();
        for (Object p : lambda.parameters()) {
            ASTNode node = (ASTNode) p;
            params.add(text.substring(node.getStartPosition(), node.getStartPosition() + node.getLength()).strip());
        }
        found.add(new LambdaSite(start, end, params, body.getStartPosition(), body.getStartPosition() + body.getLength()));
    }
}
